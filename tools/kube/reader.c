// SPDX-License-Identifier: GPL-2.0
/*
 * JSON values one after another from a file descriptor, parsed by libcjson.
 * A blocking input is read whole first (a regular file is mapped); from a
 * non-blocking one (a watch stream) whole values are found by a scanner
 * that only follows strings and brackets. A top-level object with an
 * "items" array (a List) has its items parsed one at a time, so that the
 * biggest tree in memory is one object, however long the list.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "kube.h"
#include "parse.h"

/*
 * libcjson allocates every node and string of a tree apart, and frees
 * them one by one: for a List of thousands of objects, as much work as
 * the parsing. An object read is a tree that lives until the caller has
 * looked at it, so the trees come from an arena (chunks of ARENA_SIZE, or
 * of the size asked if larger), taken back whole when the next value is
 * parsed: nobody frees them. Anything else of libcjson's (what podnetctl
 * prints, what it parses itself) goes to malloc() and free(). Each thread
 * that parses (the caller, the helper that parses ahead) has an arena.
 */
#define ARENA_SIZE (1 << 20)

struct arena_chunk {
	struct arena_chunk *next;
	char *end;
	char data[];
};

static __thread struct {
	struct arena_chunk *chunks;	/* the one in use first */
	char *free;			/* its first free byte */
	bool on;			/* while libcjson parses */
} arena;

static void *arena_malloc(size_t size)
{
	struct arena_chunk *c;
	char *p = arena.free;
	size_t csize;

	if (!arena.on)
		return malloc(size);
	size = (size + 15) & ~(size_t)15;
	if (p && (size_t)(arena.chunks->end - p) >= size) {
		arena.free = p + size;
		return p;
	}
	/* A new chunk, or one of its own for a large string. */
	csize = size > ARENA_SIZE ? size : ARENA_SIZE;
	c = malloc(sizeof(*c) + csize);
	if (!c)
		return NULL;
	c->end = c->data + csize;
	c->next = arena.chunks;
	arena.chunks = c;
	arena.free = c->data + size;
	return c->data;
}

static void arena_free(void *p)
{
	const struct arena_chunk *c;

	for (c = arena.chunks; c; c = c->next)
		if ((char *)p >= c->data && (char *)p < c->end)
			return;
	free(p);
}

/* The last tree is done with: one chunk is kept for the next. */
static void arena_reset(void)
{
	struct arena_chunk *c = arena.chunks, *next;

	if (!c)
		return;
	for (next = c->next; next; next = c->next) {
		c->next = next->next;
		free(next);
	}
	arena.free = c->data;
}

/* A thread's arena, all of it (the helper's, when it is done). */
static void arena_release(void)
{
	struct arena_chunk *c, *next;

	for (c = arena.chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	arena.chunks = NULL;
	arena.free = NULL;
}

/* Before any thread parses: libcjson's hooks are not to change after. */
static void arena_init(void)
{
	cJSON_Hooks hooks = { .malloc_fn = arena_malloc, .free_fn = arena_free };
	static bool done;

	if (!done)
		cJSON_InitHooks(&hooks);
	done = true;
}

void kube_reader_init(struct kube_reader *r, int fd, const char *name)
{
	int fl = fcntl(fd, F_GETFL);

	arena_init();
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->ahead_min = KUBE_AHEAD_MIN;
	/*
	 * A blocking input is read to its end before it is parsed: each
	 * value is then parsed once, by libcjson, with no scan of its own.
	 */
	r->whole = fl >= 0 && !(fl & O_NONBLOCK);
}

static void ahead_stop(struct kube_reader *r);

void kube_reader_free(struct kube_reader *r)
{
	ahead_stop(r);
	if (r->mapped && r->buf)
		munmap(r->buf, r->size);
	else
		free(r->buf);
	r->buf = NULL;
	r->mapped = false;
	r->size = r->len = r->off = 0;
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
		/* A number, true, false or null; not a stray ',', ']' or '}'. */
		size_t start = i;

		while (i < len && !is_ws(b[i]) && b[i] != ',' && b[i] != ']' &&
		       b[i] != '}')
			i++;
		if (i == start)
			return -1;
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
	struct stat st;
	ssize_t n;
	char *b;

	if (r->eof)
		return 0;
	/*
	 * A regular file read whole from its start is mapped, not copied (a
	 * file cut short while it is read would kill the process: inputs are
	 * what kubectl wrote).
	 */
	if (!r->buf && r->whole && !fstat(r->fd, &st) && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && lseek(r->fd, 0, SEEK_CUR) == 0) {
		b = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, r->fd, 0);
		if (b != MAP_FAILED) {
			r->buf = b;
			r->len = r->size = st.st_size;
			r->mapped = true;
			r->eof = true;
			return 1;
		}
	}
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
		size_t size = r->size * 2 + 131072;

		b = realloc(r->buf, size);
		if (!b)
			return kube_fail(err, "%s: out of memory", r->name);
		r->buf = b;
		r->size = size;
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

int kube_reader_load(struct kube_reader *r, struct kube_err *err)
{
	int ret = 0;

	while (r->whole && (ret = fill(r, err)) > 0)
		;
	return ret < 0 ? -1 : 0;
}

static int malformed(struct kube_reader *r, struct kube_err *err)
{
	return kube_fail(err, "%s: value %u: not valid JSON", r->name, r->value);
}

/*
 * libcjson parses the value at @i (which ends before @len): the value,
 * with *@end past it, or NULL if it is not JSON.
 */
static cJSON *parse_at(const char *b, size_t i, size_t len, size_t *end)
{
	const char *stop = NULL;
	cJSON *v;

	arena_reset();
	arena.on = true;
	v = cJSON_ParseWithLengthOpts(b + i, len - i, &stop, false);
	arena.on = false;
	if (v)
		*end = stop - b;
	return v;
}

/*
 * Parsing ahead. libcjson's parse is most of what a large List costs (a
 * List of 10 000 Services and their EndpointSlices, as kubectl indents
 * it: 0.74 G of the 1.16 G instructions tests/kube-ports spends on it).
 * A List read whole whose items take up r->ahead_min bytes or more is
 * parsed by two threads: a helper parses the items of its second part
 * and makes Services and EndpointSlices of them (kube_object_parse()),
 * while the caller takes the first part as it would without the helper,
 * then what the helper made, in the input's order.
 *
 * Where the second part starts is a guess, since no item's start is
 * known without parsing everything before it: the first line after the
 * caller's share that is indented as the first item is, and opens an
 * object. A raw newline is never inside a JSON string, so in a List
 * indented as kubectl indents it, that line is an item. The caller
 * checks the guess: if one of its items ends exactly there, the helper's
 * work is what its own would have been, as an item's parse depends on
 * its own bytes alone. If it gets past that place without an item ending
 * there, or the List ends or goes wrong before, the helper is stopped and
 * its work thrown away. A List without newlines is parsed by the caller
 * alone.
 *
 * What the helper cannot make a Service or an EndpointSlice of (another
 * kind, an invalid object, an object with a watch event's "type" or
 * "object") it hands over as JSON, parsed again by the caller, who judges
 * it as it would have without the helper. Where it finds malformed JSON,
 * it stops: the caller goes on alone from the end of the last item the
 * helper took, as it would have.
 *
 * The helper starts before the List's end is known (finding it is
 * parsing it): for an input read whole, the List is taken to run to the
 * input's end. A small List followed by other large values can so get a
 * helper whose guess lies past the List, and whose work is thrown away.
 *
 * libcjson is thread-safe used as its README says: its hooks are set
 * before any thread parses (arena_init()), cJSON_GetErrorPtr() is never
 * called and the locale never set. Each parse still writes two things
 * every thread shares, read by nobody here: libcjson's place of the last
 * error, and glibc's struct lconv (localeconv(), called for each number),
 * which gets the same values each time.
 */
#define AHEAD_SHARE 15		/* the caller's share of the items, in 32nds */

struct ahead_item {
	size_t at;		/* where it starts in the input */
	enum kube_kind kind;
	void *obj;		/* NULL: handed over as JSON */
};

struct kube_ahead {
	pthread_t thread;
	const char *buf;
	size_t from, len;	/* the helper's first item; the List's end */
	atomic_bool stop;	/* the helper's work is not wanted */
	bool joined;		/* the helper is done, and its work taken */
	/* Written by the helper; read by the caller once joined. */
	struct ahead_item *items;
	size_t n, size;
	size_t rest;		/* where the caller goes on after @items */
	size_t next;		/* the caller's: the next item to hand over */
};

static void ahead_item_free(struct ahead_item *it)
{
	if (it->obj && it->kind == KUBE_SERVICE)
		kube_service_free(it->obj);
	else if (it->obj)
		kube_slice_free(it->obj);
	it->obj = NULL;
}

static void *ahead_run(void *arg)
{
	struct kube_ahead *h = arg;
	size_t i = h->from, end, rest = h->from;
	struct kube_service *svc;
	struct kube_slice *slice;
	struct ahead_item *it;
	struct kube_err err;
	cJSON *v;

	while (!atomic_load_explicit(&h->stop, memory_order_relaxed)) {
		if (h->n == h->size) {
			size_t size = h->size * 2 + 1024;

			it = realloc(h->items, size * sizeof(*it));
			if (!it)
				break;
			h->items = it;
			h->size = size;
		}
		v = parse_at(h->buf, i, h->len, &end);
		if (!v)
			break;
		it = &h->items[h->n++];
		*it = (struct ahead_item){ .at = i };
		/* A watch event's members: the caller's to judge. */
		if (!kube_member(v, "type") && !kube_member(v, "object") &&
		    !kube_object_parse(v, &it->kind, &svc, &slice, &err))
			it->obj = it->kind == KUBE_SERVICE ? (void *)svc : (void *)slice;
		rest = end;
		i = skip_ws(h->buf, end, h->len);
		if (i >= h->len || h->buf[i] != ',')
			break;
		i = skip_ws(h->buf, i + 1, h->len);
	}
	/* After the last item taken, before its comma: the caller reads that. */
	h->rest = rest;
	arena_release();
	return NULL;
}

/* Into a List whose items start at r->items_at: a helper, if it is worth one. */
static void ahead_start(struct kube_reader *r)
{
	size_t first = skip_ws(r->buf, r->items_at, r->list_end), len = r->list_end;
	size_t ind = first, mid;
	struct kube_ahead *h;
	const char *p;

	if (!r->whole || first >= len || len - first < r->ahead_min)
		return;
	/* "\n", the first item's indentation and its '{'. */
	while (ind > r->items_at && (r->buf[ind - 1] == ' ' || r->buf[ind - 1] == '\t'))
		ind--;
	if (ind == r->items_at || r->buf[ind - 1] != '\n' || r->buf[first] != '{')
		return;
	mid = first + (len - first) / 32 * AHEAD_SHARE;
	p = memmem(r->buf + mid, len - mid, r->buf + ind - 1, first - ind + 2);
	if (!p)
		return;
	h = calloc(1, sizeof(*h));
	if (!h)
		return;
	h->buf = r->buf;
	h->from = p - r->buf + (first - ind + 1);
	h->len = len;
	atomic_init(&h->stop, false);
	if (pthread_create(&h->thread, NULL, ahead_run, h)) {
		free(h);
		return;
	}
	r->ahead = h;
}

/* The helper stopped and its work, what is left of it, thrown away. */
static void ahead_stop(struct kube_reader *r)
{
	struct kube_ahead *h = r->ahead;
	size_t i;

	if (!h)
		return;
	if (!h->joined) {
		atomic_store_explicit(&h->stop, true, memory_order_relaxed);
		pthread_join(h->thread, NULL);
	}
	for (i = h->next; i < h->n; i++)
		ahead_item_free(&h->items[i]);
	free(h->items);
	free(h);
	r->ahead = NULL;
}

/*
 * The caller's parse has got to the next item at @i: the helper's items
 * from here on, if the guess was right (1: @h->joined), or nothing more
 * of the helper's (0).
 */
static int ahead_reached(struct kube_reader *r, size_t i)
{
	struct kube_ahead *h = r->ahead;

	if (i != h->from) {
		ahead_stop(r);
		return 0;
	}
	pthread_join(h->thread, NULL);
	h->joined = true;
	return 1;
}

/*
 * The helper's next item, once joined: 1 with *@v set, 0 when all are
 * handed over, -1 if one handed over as JSON does not parse (it did).
 */
static int ahead_next(struct kube_reader *r, struct kube_value *v)
{
	struct kube_ahead *h = r->ahead;
	struct ahead_item *it;
	size_t end;

	if (h->next == h->n)
		return 0;
	it = &h->items[h->next++];
	v->kind = it->kind;
	v->obj = it->obj;
	it->obj = NULL;
	v->json = v->obj ? NULL : parse_at(r->buf, it->at, r->list_end, &end);
	return v->obj || v->json ? 1 : -1;
}

/*
 * Walk the members of the object whose '{' or last member ends before
 * @i, up to its "items" array or its end (@len bounds it): 1 with
 * r->items_at on the array's first item, 0 at the object's end (r->off
 * past it), -1 if it is malformed. Members other than "items" are short
 * in a List (apiVersion, kind, metadata), and skipped by value_end().
 */
static int walk_members(struct kube_reader *r, size_t i, size_t len, bool first)
{
	const char *b = r->buf;
	size_t k, v, ve;

	for (;;) {
		i = skip_ws(b, i, len);
		if (i < len && b[i] == '}') {
			r->off = i + 1;
			return 0;
		}
		if (!first) {
			if (i >= len || b[i] != ',')
				return -1;
			i = skip_ws(b, i + 1, len);
		}
		first = false;
		if (i >= len || b[i] != '"' || value_end(b, i, len, &k) != 1)
			return -1;
		v = skip_ws(b, k, len);
		if (v >= len || b[v] != ':')
			return -1;
		v = skip_ws(b, v + 1, len);
		if (k - i == 7 && !memcmp(b + i, "\"items\"", 7) && v < len && b[v] == '[') {
			r->items_at = v + 1;
			r->items_first = true;
			return 1;
		}
		if (value_end(b, v, len, &ve) != 1)
			return -1;
		i = ve;
	}
}

/*
 * The next item of the List being handed over: 1, 0 when the list is
 * done (r->off past the List), -1 if malformed (the rest of the List is
 * skipped).
 */
static int next_item(struct kube_reader *r, struct kube_value *v, struct kube_err *err)
{
	size_t len = r->list_end, i, end;
	int ret;

	v->obj = NULL;
	if (r->ahead && r->ahead->joined) {
		ret = ahead_next(r, v);
		if (ret > 0)
			return 1;
		if (ret < 0)
			goto bad;
		r->items_at = r->ahead->rest;
		r->items_first = false;
		ahead_stop(r);
	}
	i = skip_ws(r->buf, r->items_at, len);
	if (!r->items_first && i < len && r->buf[i] == ',')
		i = skip_ws(r->buf, i + 1, len);
	if (r->ahead && i >= r->ahead->from && ahead_reached(r, i))
		return next_item(r, v, err);
	if (i < len && r->buf[i] == ']') {
		ahead_stop(r);
		r->in_list = false;
		/* The members after the items (kind, metadata), to its end. */
		if (walk_members(r, i + 1, len, false) < 0)
			goto bad;
		return 0;
	}
	r->items_first = false;
	v->json = i < len ? parse_at(r->buf, i, len, &end) : NULL;
	if (!v->json)
		goto bad;
	r->items_at = end;
	return 1;
bad:
	/* The rest of the List is lost. */
	ahead_stop(r);
	r->in_list = false;
	r->off = len;
	if (r->whole && value_end(r->buf, r->list_at, len, &end) > 0)
		r->off = end;
	return malformed(r, err);
}

int kube_reader_next(struct kube_reader *r, struct kube_value *v, struct kube_err *err)
{
	size_t i, end;
	int ret;

	v->obj = NULL;
	for (;;) {
		if (r->in_list) {
			ret = next_item(r, v, err);
			if (ret)
				return ret;
		}
		i = skip_ws(r->buf, r->off, r->len);
		if (r->whole && !r->eof) {
			ret = 0;	/* the whole input first */
		} else if (r->whole) {
			ret = i < r->len;
			end = r->len;	/* the value's end: found by parsing it */
		} else if (i < r->len && (r->buf[i] == '{' || r->buf[i] == '[')) {
			ret = scan_value(r, i, &end);
		} else {
			ret = value_end(r->buf, i, r->len, &end);
			if (ret > 0 && r->buf[i] != '"' && end == r->len && !r->eof)
				ret = 0;	/* a number may go on */
		}
		if (ret < 0) {
			/* A stray closing bracket: skipped. */
			r->off = i + 1;
			r->value++;
			return malformed(r, err);
		}
		if (!ret) {
			ret = fill(r, err);
			if (ret < 0 || ret == KUBE_AGAIN)
				return ret;
			if (ret || (r->whole && r->eof && i < r->len))
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
			r->list_at = i;
			r->list_end = end;
			ret = walk_members(r, i + 1, end, true);
			if (ret > 0) {
				r->in_list = true;
				ahead_start(r);
				continue;
			}
			if (ret < 0 && !r->whole) {
				r->off = end;	/* skipped: on to the next value */
				return malformed(r, err);
			}
		}
		v->json = parse_at(r->buf, i, end, &end);
		if (v->json) {
			r->off = end;
			return 1;
		}
		if (!r->whole) {
			r->off = end;
			return malformed(r, err);
		}
		/* Its extent, by brackets alone, to go on after it. */
		ret = value_end(r->buf, i, r->len, &end);
		r->off = ret > 0 ? end : ret < 0 ? i + 1 : r->len;
		if (!ret)
			return kube_fail(err, "%s: value %u: truncated JSON", r->name, r->value);
		return malformed(r, err);
	}
}
