// SPDX-License-Identifier: GPL-2.0
/*
 * A sparse copy of a JSON value, for libcjson to parse: only the members
 * that tools/kube reads (object.c, node.c) and podnetctl apply's watch
 * events, without insignificant whitespace. Most of what kubectl prints
 * is never read (managedFields, ownerReferences, annotations, targetRef,
 * a Node's images and conditions, the indentation): libcjson building a
 * tree of it cost more than all the rest of apply's reading.
 *
 * What is kept is a whitelist of member names by path, one for every kind
 * (a path means the same in a Service, an EndpointSlice and a Node): a
 * member whose name is listed is kept, the others dropped; a kept member
 * whose value is an object (or an array of objects) has that object's
 * members filtered by the next level of the list, or kept whole. Arrays
 * keep all their elements, so the indices in the parsers' errors stay
 * those of the input, and a member of an unexpected type is kept as it
 * is, for the parsers to name it.
 *
 * The whole value is checked as JSON (RFC 8259), dropped members too:
 * strings terminated, escapes valid, brackets balanced, numbers and the
 * literals spelled right, a ':' after each name, ',' between members. Two
 * leniencies of libcjson stay: raw control characters in strings are not
 * refused, and a \u escape's surrogates are checked by libcjson only where
 * the string is kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube.h"

/*
 * A member name kept, and what of its value: @sub the members kept of an
 * object value (or of each object of an array value), NULL for all of it.
 */
struct field {
	const char *name;
	unsigned int len;
	const struct field *sub;
};

#define F(n, s) { n, sizeof(n) - 1, s }
#define END { NULL, 0, NULL }
#define FLANNEL "flannel.alpha.coreos.com/"

/* The top level, for "object" in a watch event; defined below. */
static const struct field root[11];

/* metadata.labels: has_label(), the slice's service. */
static const struct field labels[] = {
	F("kubernetes.io/service-name", NULL),
	F("service.kubernetes.io/headless", NULL),
	F("service.kubernetes.io/service-proxy-name", NULL),
	END
};

/* metadata.annotations: a Node's flannel annotations (node.c). */
static const struct field annotations[] = {
	F(FLANNEL "backend-data", NULL),
	F(FLANNEL "backend-type", NULL),
	F(FLANNEL "public-ip", NULL),
	F(FLANNEL "public-ipv6", NULL),
	END
};

static const struct field metadata[] = {
	F("name", NULL),
	F("namespace", NULL),
	F("labels", labels),
	F("annotations", annotations),
	END
};

/* A Service's spec.ports[] and an EndpointSlice's ports[]. */
static const struct field ports[] = {
	F("name", NULL),
	F("port", NULL),
	F("protocol", NULL),
	F("nodePort", NULL),
	END
};

static const struct field client_ip[] = {
	F("timeoutSeconds", NULL),
	END
};

static const struct field affinity_cfg[] = {
	F("clientIP", client_ip),
	END
};

/* A Service's and a Node's. */
static const struct field spec[] = {
	F("clusterIP", NULL),
	F("clusterIPs", NULL),
	F("type", NULL),
	F("ports", ports),
	F("externalIPs", NULL),
	F("loadBalancerSourceRanges", NULL),
	F("externalTrafficPolicy", NULL),
	F("internalTrafficPolicy", NULL),
	F("sessionAffinity", NULL),
	F("sessionAffinityConfig", affinity_cfg),
	F("podCIDRs", NULL),
	F("podCIDR", NULL),
	END
};

static const struct field ingress[] = {
	F("ip", NULL),
	F("ipMode", NULL),
	END
};

static const struct field load_balancer[] = {
	F("ingress", ingress),
	END
};

static const struct field node_addresses[] = {
	F("type", NULL),
	F("address", NULL),
	END
};

/* A Service's (its LB ingress) and a Node's (its addresses). */
static const struct field status[] = {
	F("loadBalancer", load_balancer),
	F("addresses", node_addresses),
	END
};

static const struct field for_zones[] = {
	F("name", NULL),
	END
};

static const struct field hints[] = {
	F("forZones", for_zones),
	END
};

static const struct field conditions[] = {
	F("ready", NULL),
	F("serving", NULL),
	F("terminating", NULL),
	END
};

/* An EndpointSlice's endpoints[]. */
static const struct field endpoints[] = {
	F("addresses", NULL),
	F("conditions", conditions),
	F("nodeName", NULL),
	F("hints", hints),
	END
};

/* An object, or a watch event ({"type": ..., "object": {...}}). */
static const struct field root[11] = {
	F("kind", NULL),
	F("apiVersion", NULL),
	F("metadata", metadata),
	F("spec", spec),
	F("status", status),
	F("addressType", NULL),
	F("endpoints", endpoints),
	F("ports", ports),
	F("type", NULL),
	F("object", root),
	END
};

/* As libcjson's CJSON_NESTING_LIMIT. */
#define DEPTH_MAX 1000

struct sparse {
	const char *p, *end;	/* the input not read yet */
	struct kube_sparse *out;
	unsigned int depth;
	int err;		/* KUBE_SPARSE_* */
};

static int bad(struct sparse *s)
{
	if (!s->err)
		s->err = s->p >= s->end ? KUBE_SPARSE_TRUNCATED : KUBE_SPARSE_MALFORMED;
	return -1;
}

static inline int put(struct sparse *s, const char *b, size_t n)
{
	struct kube_sparse *o = s->out;

	if (o->size - o->len < n + 1) {
		size_t size = o->size * 2 + n + 4096;
		char *v = realloc(o->buf, size);

		if (!v) {
			s->err = KUBE_SPARSE_NOMEM;
			return -1;
		}
		o->buf = v;
		o->size = size;
	}
	memcpy(o->buf + o->len, b, n);
	o->len += n;
	return 0;
}

static inline int put_char(struct sparse *s, char c)
{
	struct kube_sparse *o = s->out;

	if (o->size - o->len < 2)
		return put(s, &c, 1);
	o->buf[o->len++] = c;
	return 0;
}

/*
 * Insignificant whitespace: as kubectl indents, one space after a ':', or
 * a newline and a run of spaces, skipped by strspn(); the input is
 * NUL-terminated (it stops there). Inline: most tokens have none.
 */
static inline void skip_ws(struct sparse *s)
{
	const char *p = s->p;

	p += *p == ' ';
	if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p += strspn(p, "\n \t\r");
	s->p = p < s->end ? p : s->end;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* A byte of @w (eight of the input) that is @c (0x0101010101010101 * c). */
static inline uint64_t has_byte(uint64_t w, uint64_t c)
{
	w ^= c;
	return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

/*
 * The first '"' or '\\' from @p on (or NULL): most strings are short
 * (names, addresses), looked at here eight bytes at a time (the lowest
 * byte found is the first: has_byte() only errs above a match); the rest
 * of a longer one by memchr().
 */
static inline const char *quote_or_escape(const char *p, const char *end)
{
	const uint64_t quotes = 0x2222222222222222ULL, escapes = 0x5c5c5c5c5c5c5c5cULL;
	const char *q, *b;
	uint64_t w, m;
	int i;

	for (i = 0; i < 2 && end - p >= 8; i++, p += 8) {
		memcpy(&w, p, 8);
		m = has_byte(w, quotes) | has_byte(w, escapes);
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
	}
	q = memchr(p, '"', end - p);
	b = memchr(p, '\\', (q ? q : end) - p);
	return b ? b : q;
}

/*
 * The string at s->p (its opening quote): s->p past its closing quote,
 * and [*@body, *@body_end) its body; its escapes are checked.
 */
static inline int string(struct sparse *s, const char **body, const char **body_end)
{
	const char *p = s->p + 1, *b;

	*body = p;
	for (;;) {
		b = quote_or_escape(p, s->end);
		if (!b) {
			s->p = s->end;
			return bad(s);
		}
		if (*b == '"')
			break;
		s->p = b;
		if (s->end - b < 2)
			return bad(s);
		switch (b[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			p = b + 2;
			break;
		case 'u':
			if (s->end - b < 6 || !is_hex(b[2]) || !is_hex(b[3]) ||
			    !is_hex(b[4]) || !is_hex(b[5]))
				return bad(s);
			p = b + 6;
			break;
		default:
			return bad(s);
		}
	}
	*body_end = b;
	s->p = b + 1;
	return 0;
}

static const char *digits(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/* A number, true, false or null at s->p. */
static int scalar(struct sparse *s, bool keep)
{
	const char *p = s->p, *end = s->end, *d;
	size_t n;

	if (*p == 't' || *p == 'f' || *p == 'n') {
		n = *p == 'f' ? 5 : 4;
		if ((size_t)(end - p) < n ||
		    memcmp(p, *p == 't' ? "true" : *p == 'f' ? "false" : "null", n))
			return bad(s);
		p += n;
	} else {
		if (p < end && *p == '-')
			p++;
		if (p < end && *p == '0')
			p++;
		else if (p < end && *p >= '1' && *p <= '9')
			p = digits(p, end);
		else
			goto bad;
		if (p < end && *p == '.') {
			d = p + 1;
			p = digits(d, end);
			if (p == d)
				goto bad;
		}
		if (p < end && (*p == 'e' || *p == 'E')) {
			p++;
			if (p < end && (*p == '+' || *p == '-'))
				p++;
			d = p;
			p = digits(d, end);
			if (p == d)
				goto bad;
		}
	}
	/* A token runs to a delimiter: "1x" and "truex" are not JSON. */
	if (p < end && !strchr("\n \t\r,]}", *p))
		goto bad;
	if (keep && put(s, s->p, p - s->p) < 0)
		return -1;
	s->p = p;
	return 0;
bad:
	s->p = p;
	return bad(s);
}

static int value(struct sparse *s, const struct field *f, bool keep);

/* The members of the object at s->p ('{'), those of @f kept (if @keep). */
static int object(struct sparse *s, const struct field *f, bool keep)
{
	const struct field *m;
	const char *k, *ke;
	bool first = true;

	s->p++;
	if (keep && put_char(s, '{') < 0)
		return -1;
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end)
			return bad(s);
		if (*s->p == '}')
			break;
		if (!first) {
			if (*s->p != ',')
				return bad(s);
			s->p++;
			skip_ws(s);
			if (s->p >= s->end)
				return bad(s);
		}
		if (*s->p != '"')
			return bad(s);
		k = s->p;
		if (string(s, &k, &ke) < 0)
			return -1;
		m = NULL;
		if (keep) {
			for (m = f; m && m->name; m++)
				if (m->len == (size_t)(ke - k) && !memcmp(m->name, k, m->len))
					break;
			if (m && !m->name)
				m = NULL;
		}
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return bad(s);
		s->p++;
		skip_ws(s);
		/*
		 * A kept member: its name (with a comma after the last kept
		 * one: the output's first member is its last byte's '{').
		 */
		if (keep && (f == NULL || m)) {
			if ((s->out->buf[s->out->len - 1] != '{' && put_char(s, ',') < 0) ||
			    put(s, k - 1, ke - k + 2) < 0 || put_char(s, ':') < 0 ||
			    value(s, m ? m->sub : NULL, true) < 0)
				return -1;
		} else if (value(s, NULL, false) < 0) {
			return -1;
		}
		first = false;
	}
	s->p++;
	return keep ? put_char(s, '}') : 0;
}

/* The elements of the array at s->p ('['); objects filtered by @f. */
static int array(struct sparse *s, const struct field *f, bool keep)
{
	bool first = true;

	s->p++;
	if (keep && put_char(s, '[') < 0)
		return -1;
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end)
			return bad(s);
		if (*s->p == ']')
			break;
		if (!first) {
			if (*s->p != ',')
				return bad(s);
			s->p++;
			skip_ws(s);
			if (keep && put_char(s, ',') < 0)
				return -1;
		}
		if (value(s, f, keep) < 0)
			return -1;
		first = false;
	}
	s->p++;
	return keep ? put_char(s, ']') : 0;
}

/*
 * The value at s->p (no whitespace before it), copied if @keep: an
 * object's members filtered by @f (all kept if NULL).
 */
static int value(struct sparse *s, const struct field *f, bool keep)
{
	const char *start = s->p, *b, *e;
	int ret;

	if (s->p >= s->end)
		return bad(s);
	switch (*s->p) {
	case '"':
		if (string(s, &b, &e) < 0)
			return -1;
		return keep ? put(s, start, s->p - start) : 0;
	case '{':
	case '[':
		if (++s->depth > DEPTH_MAX)
			return bad(s);
		ret = *s->p == '{' ? object(s, f, keep) : array(s, f, keep);
		s->depth--;
		return ret;
	default:
		return scalar(s, keep);
	}
}

int kube_sparse(const char *b, size_t len, struct kube_sparse *out, size_t *end)
{
	struct sparse s = { .p = b, .end = b + len, .out = out };

	out->len = 0;
	if (put(&s, "", 0) < 0 || value(&s, root, true) < 0) {
		*end = s.p - b;
		return s.err;
	}
	out->buf[out->len] = '\0';
	*end = s.p - b;
	return 0;
}
