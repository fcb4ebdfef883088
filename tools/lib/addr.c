// SPDX-License-Identifier: GPL-2.0
/* libpodnet: parsing and printing addresses, MAC addresses, device names. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "err.h"

bool addr_equal(const struct pn_addr *a, const struct pn_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->bytes, b->bytes, addr_len(a->family));
}

int addr_parse(const char *s, struct pn_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (strchr(s, '/'))
		return fail("invalid address `%s': a pod address takes no prefix length", s);
	if (inet_pton(AF_INET, s, &addr->v4) == 1) {
		uint32_t a = ntohl(addr->v4.s_addr);

		addr->family = AF_INET;
		if ((a >> 24) == 0)
			return fail("invalid address `%s': in 0.0.0.0/8", s);
		if ((a >> 24) == 127)
			return fail("invalid address `%s': loopback", s);
		if ((a >> 28) == 0xe)
			return fail("invalid address `%s': multicast", s);
		if (a == 0xffffffff)
			return fail("invalid address `%s': broadcast", s);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &addr->v6) == 1) {
		addr->family = AF_INET6;
		if (IN6_IS_ADDR_UNSPECIFIED(&addr->v6))
			return fail("invalid address `%s': unspecified", s);
		if (IN6_IS_ADDR_LOOPBACK(&addr->v6))
			return fail("invalid address `%s': loopback", s);
		if (IN6_IS_ADDR_MULTICAST(&addr->v6))
			return fail("invalid address `%s': multicast", s);
		if (IN6_IS_ADDR_LINKLOCAL(&addr->v6))
			return fail("invalid address `%s': link-local", s);
		if (IN6_IS_ADDR_V4MAPPED(&addr->v6))
			return fail("invalid address `%s': IPv4-mapped (give the IPv4 address)", s);
		return 0;
	}
	return fail("invalid address `%s'", s);
}

const char *addr_fmt(const struct pn_addr *addr, char buf[ADDR_STRLEN])
{
	if (!inet_ntop(addr->family, addr->bytes, buf, ADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int prefix_parse(const char *s, struct pn_prefix *p)
{
	char buf[ADDR_STRLEN + 5], *slash, *end;
	unsigned int i, max;
	long len;

	if (strlen(s) >= sizeof(buf))
		return fail("invalid prefix `%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, &p->addr.v4) == 1)
		p->addr.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &p->addr.v6) == 1)
		p->addr.family = AF_INET6;
	else
		return fail("invalid prefix `%s'", s);
	max = p->addr.family == AF_INET ? 32 : 128;
	len = max;
	if (slash) {
		if (!isdigit((unsigned char)slash[1]))
			return fail("invalid prefix `%s'", s);
		len = strtol(slash + 1, &end, 10);
		if (*end || len > (long)max)
			return fail("invalid prefix `%s': length 0 to %u", s, max);
	}
	p->len = len;
	for (i = 0; i < addr_len(p->addr.family); i++) {
		if ((long)i * 8 >= len)
			p->addr.bytes[i] = 0;
		else if ((long)i * 8 + 8 > len)
			p->addr.bytes[i] &= 0xff << (8 - (len - i * 8));
	}
	return 0;
}

const char *prefix_fmt(const struct pn_prefix *p, char buf[PREFIX_STRLEN])
{
	char a[ADDR_STRLEN];

	snprintf(buf, PREFIX_STRLEN, "%s/%u", addr_fmt(&p->addr, a), p->len);
	return buf;
}

bool prefix_equal(const struct pn_prefix *a, const struct pn_prefix *b)
{
	return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

int mac_parse(const char *s, uint8_t mac[MAC_LEN])
{
	const char *p = s;
	int i;

	for (i = 0; i < MAC_LEN; i++) {
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);

		if (hi < 0 || lo < 0)
			return fail("invalid MAC address `%s'", s);
		mac[i] = hi << 4 | lo;
		p += 2;
		if (*p != (i == MAC_LEN - 1 ? '\0' : ':'))
			return fail("invalid MAC address `%s'", s);
		if (*p)
			p++;
	}
	if (mac[0] & 1)
		return fail("invalid MAC address `%s': multicast", s);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return fail("invalid MAC address `%s': all zero", s);
	return 0;
}

const char *mac_fmt(const uint8_t mac[MAC_LEN], char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int ifname_check(const char *s, const char *what)
{
	const char *p;

	if (!*s)
		return fail("empty %s", what);
	if (strlen(s) >= IFNAMSIZ)
		return fail("%s `%s' is too long (at most %d characters)",
			    what, s, IFNAMSIZ - 1);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return fail("invalid %s `%s'", what, s);
	for (p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return fail("invalid %s `%s': no '/', ':' or white space allowed",
				    what, s);
	return 0;
}
