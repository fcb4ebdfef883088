// SPDX-License-Identifier: GPL-2.0
/* libpodnet: JSON on libcjson. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "err.h"

cJSON *json_add_u64(cJSON *obj, const char *name, uint64_t v)
{
	char buf[24];

	/* cJSON numbers are doubles, exact only up to 2^53: print raw. */
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cJSON_AddRawToObject(obj, name, buf);
}

cJSON *json_addr(const struct pn_addr *addr)
{
	char buf[ADDR_STRLEN];

	return cJSON_CreateString(addr_fmt(addr, buf));
}

cJSON *json_add_mac(cJSON *obj, const char *name, const uint8_t *mac)
{
	char buf[MAC_STRLEN];

	if (!mac)
		return cJSON_AddNullToObject(obj, name);
	return cJSON_AddStringToObject(obj, name, mac_fmt(mac, buf));
}

int json_print(cJSON *item, bool pretty)
{
	char *s;

	s = pretty ? cJSON_Print(item) :
				      cJSON_PrintUnformatted(item);
	cJSON_Delete(item);
	if (!s)
		return fail("out of memory");
	puts(s);
	fflush(stdout);
	free(s);
	return 0;
}
