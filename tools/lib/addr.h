/* SPDX-License-Identifier: GPL-2.0 */
/* libpodnet: parsing and printing addresses, MAC addresses, device names. */
#ifndef PODNETCTL_ADDR_H
#define PODNETCTL_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>

#define MAC_LEN 6
/* Long enough for any address printed by addr_fmt() / mac_fmt(). */
#define ADDR_STRLEN INET6_ADDRSTRLEN
#define MAC_STRLEN 18

/* An IPv4 or IPv6 address, network order. */
struct pn_addr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

/* An address prefix: the address (bits past @len zero) and its length. */
struct pn_prefix {
	struct pn_addr addr;
	uint8_t len;
};

/* Long enough for "fd00::/128" (prefix_fmt()). */
#define PREFIX_STRLEN (ADDR_STRLEN + 4)

/* Address length for @family: 4, 16. */
static inline unsigned int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

bool addr_equal(const struct pn_addr *a, const struct pn_addr *b);

/*
 * Parse a pod address: an IPv4 or IPv6 literal without prefix length, and
 * unicast as the kernel wants it: not in 0.0.0.0/8, loopback, multicast,
 * the broadcast address, IPv6 link-local or IPv4-mapped. 0, or -1 with
 * fail() set naming @s.
 */
int addr_parse(const char *s, struct pn_addr *addr);
const char *addr_fmt(const struct pn_addr *addr, char buf[ADDR_STRLEN]);
/*
 * "10.0.0.0/8", "fd00::/64", "192.0.2.1" (a /32): any address; the bits past
 * the length are cleared. 0, or -1 with fail() set naming @s.
 */
int prefix_parse(const char *s, struct pn_prefix *p);
const char *prefix_fmt(const struct pn_prefix *p, char buf[PREFIX_STRLEN]);
bool prefix_equal(const struct pn_prefix *a, const struct pn_prefix *b);

/* A unicast MAC address: six colon-separated two-digit hex octets. */
int mac_parse(const char *s, uint8_t mac[MAC_LEN]);
const char *mac_fmt(const uint8_t mac[MAC_LEN], char buf[MAC_STRLEN]);

/*
 * Check a network device name as the kernel does (dev_valid_name): 1 to
 * IFNAMSIZ - 1 characters, not "." or "..", no '/', ':' or white space.
 * @what names it in the error ("device name", "pod").
 */
int ifname_check(const char *s, const char *what);

#endif /* PODNETCTL_ADDR_H */
