// SPDX-License-Identifier: GPL-2.0
/* podnetctl: parsing and printing addresses, MAC addresses, device names. */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "addr.h"
#include "podnetctl.h"

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
