/* SPDX-License-Identifier: GPL-2.0 */
/* libpodnet: JSON on libcjson. */
#ifndef PODNETCTL_JSON_H
#define PODNETCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <cJSON.h>

#include "addr.h"

/* An unsigned 64-bit counter, printed exactly (not through a double). */
cJSON *json_add_u64(cJSON *obj, const char *name, uint64_t v);
/* An address as a string. */
cJSON *json_addr(const struct pn_addr *addr);
/* A MAC address as a string, or null if @mac is NULL. */
cJSON *json_add_mac(cJSON *obj, const char *name, const uint8_t *mac);

/*
 * Print @item on stdout (indented if @pretty, else on one line), followed
 * by a newline, and free it. 0, or -1 with fail() set.
 */
int json_print(cJSON *item, bool pretty);

#endif /* PODNETCTL_JSON_H */
