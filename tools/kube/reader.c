// SPDX-License-Identifier: GPL-2.0
/*
 * JSON values one after another from a file descriptor: whole ones are
 * found by a scanner that only follows strings and brackets, then parsed
 * by libcjson. A List's items are parsed one at a time, so that the
 * biggest tree in memory is one object, however long the list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube.h"

void kube_reader_init(struct kube_reader *r, int fd, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
}

void kube_reader_free(struct kube_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *b, size_t i, size_t len)
{
	while (i < len && is_ws(b[i]))
		i++;
	return i;
}

/*
 * The end of the value starting at @i: 1 with *@end set past it, 0 if the
 * buffer ends first, -1 if it is not JSON.
 */
static int value_end(const char *b, size_t i, size_t len, size_t *end)
{
	size_t depth = 0;
	bool str = false;

	if (i >= len)
		return 0;
	if (b[i] != '{' && b[i] != '[' && b[i] != '"') {
		/* A number, true, false or null. */
		while (i < len && !is_ws(b[i]) && b[i] != ',' && b[i] != ']' &&
		       b[i] != '}')
			i++;
		*end = i;
		return i < len ? 1 : 0;
	}
	for (; i < len; i++) {
		char c = b[i];

		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
			else
				continue;
			if (!depth && !str) {
				*end = i + 1;
				return 1;
			}
			continue;
		}
		if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (!depth)
				return -1;
			if (!--depth) {
				*end = i + 1;
				return 1;
			}
		}
	}
	return 0;
}

/*
 * The same for the top-level object or array at @i, resumed where the
 * last call stopped (r->scan), so that a large value arriving through a
 * pipe in small reads is scanned once.
 */
static int scan_value(struct kube_reader *r, size_t i, size_t *end)
{
	struct kube_scan *s = &r->scan;

	if (s->pos <= i)
		*s = (struct kube_scan){ .pos = i };
	for (; s->pos < r->len; s->pos++) {
		char c = r->buf[s->pos];

		if (s->esc) {
			s->esc = false;
		} else if (s->str) {
			if (c == '\\')
				s->esc = true;
			else if (c == '"')
				s->str = false;
		} else if (c == '"') {
			s->str = true;
		} else if (c == '{' || c == '[') {
			s->depth++;
		} else if (c == '}' || c == ']') {
			if (!--s->depth) {
				*end = s->pos + 1;
				s->pos = 0;
				return 1;
			}
		}
	}
	return 0;
}

/* Read more: 1, 0 at the end of the input, KUBE_AGAIN, -1 on error. */
static int fill(struct kube_reader *r, struct kube_err *err)
{
	ssize_t n;
	char *b;

	if (r->eof)
		return 0;
	if (r->off && r->off == r->len) {
		r->off = r->len = 0;
		r->scan.pos = 0;
	} else if (r->off > r->size / 2) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->scan.pos = r->scan.pos > r->off ? r->scan.pos - r->off : 0;
		r->off = 0;
	}
	if (r->size - r->len < 65536) {
		b = realloc(r->buf, r->size * 2 + 131072);
		if (!b)
			return kube_fail(err, "%s: out of memory", r->name);
		r->buf = b;
		r->size = r->size * 2 + 131072;
	}
	do
		n = read(r->fd, r->buf + r->len, r->size - r->len);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return KUBE_AGAIN;
	if (n < 0)
		return kube_fail(err, "%s: %s", r->name, strerror(errno));
	if (!n) {
		r->eof = true;
		return 0;
	}
	r->len += n;
	return 1;
}

static int malformed(struct kube_reader *r, struct kube_err *err)
{
	return kube_fail(err, "%s: value %u: not valid JSON", r->name, r->value);
}

static cJSON *parse(const char *b, size_t len)
{
	return cJSON_ParseWithLength(b, len);
}

/*
 * If the object [@i, @end) has an "items" array, its extent; the object's
 * "kind" must then be a List. 1 if so, 0 if not, -1 if malformed.
 */
static int find_items(const char *b, size_t i, size_t end, size_t *from,
		      size_t *to, bool *list)
{
	size_t k, v, ve;
	cJSON *kind;

	*list = false;
	*from = 0;
	i = skip_ws(b, i + 1, end);
	while (i < end && b[i] != '}') {
		if (b[i] != '"' || value_end(b, i, end, &k) != 1)
			return -1;
		v = skip_ws(b, k, end);
		if (v >= end || b[v] != ':')
			return -1;
		v = skip_ws(b, v + 1, end);
		if (value_end(b, v, end, &ve) != 1)
			return -1;
		if (k - i == 7 && !memcmp(b + i, "\"items\"", 7) && b[v] == '[') {
			*from = v;
			*to = ve;
		} else if (k - i == 6 && !memcmp(b + i, "\"kind\"", 6)) {
			kind = parse(b + v, ve - v);
			*list = cJSON_IsString(kind) &&
				strlen(kind->valuestring) >= 4 &&
				!strcmp(kind->valuestring + strlen(kind->valuestring) - 4,
					"List");
			cJSON_Delete(kind);
		}
		i = skip_ws(b, ve, end);
		if (i < end && b[i] == ',')
			i = skip_ws(b, i + 1, end);
	}
	return *list && *from;
}

/* The next item of the List being handed over, or 0 when done. */
static int next_item(struct kube_reader *r, cJSON **obj, struct kube_err *err)
{
	size_t i = skip_ws(r->buf, r->items_at, r->items_end), end;

	if (i < r->items_end && r->buf[i] == ',')
		i = skip_ws(r->buf, i + 1, r->items_end);
	if (i >= r->items_end || r->buf[i] == ']') {
		r->items_end = 0;
		return 0;
	}
	if (value_end(r->buf, i, r->items_end, &end) != 1) {
		/* The rest of the list is lost. */
		r->items_end = 0;
		r->off = r->list_end;
		return malformed(r, err);
	}
	r->items_at = end;
	*obj = parse(r->buf + i, end - i);
	if (!*obj)
		return malformed(r, err);
	return 1;
}

int kube_reader_next(struct kube_reader *r, cJSON **obj, struct kube_err *err)
{
	size_t i, end, from, to = 0;
	int ret;
	bool list;

	for (;;) {
		if (r->items_end) {
			ret = next_item(r, obj, err);
			if (ret)
				return ret;
			/* The list is done: on to the value after it. */
			r->off = r->list_end;
		}
		i = skip_ws(r->buf, r->off, r->len);
		if (i < r->len && (r->buf[i] == '{' || r->buf[i] == '['))
			ret = scan_value(r, i, &end);
		else
			ret = value_end(r->buf, i, r->len, &end);
		if (ret < 0) {
			/* A stray closing bracket: skipped. */
			r->off = i + 1;
			r->value++;
			return malformed(r, err);
		}
		if (!ret || (r->buf[i] != '{' && r->buf[i] != '[' && r->buf[i] != '"' &&
			     end == r->len && !r->eof)) {
			ret = fill(r, err);
			if (ret < 0 || ret == KUBE_AGAIN)
				return ret;
			if (ret)
				continue;
			/* The end: nothing, or a truncated value. */
			if (skip_ws(r->buf, r->off, r->len) < r->len) {
				r->off = r->len;
				r->value++;
				return kube_fail(err, "%s: value %u: truncated JSON",
						 r->name, r->value);
			}
			return 0;
		}
		r->value++;
		if (r->buf[i] == '{') {
			ret = find_items(r->buf, i, end, &from, &to, &list);
			if (ret < 0) {
				r->off = end;	/* skipped: on to the next value */
				return malformed(r, err);
			}
			if (ret) {
				r->items_at = from + 1;
				r->items_end = to - 1;
				r->list_end = end;
				continue;
			}
		}
		*obj = parse(r->buf + i, end - i);
		r->off = end;
		if (!*obj)
			return malformed(r, err);
		return 1;
	}
}
