// SPDX-License-Identifier: GPL-2.0
/*
 * libpodnet: talking to the podnet generic netlink family (libnl-genl-3).
 *
 * One request at a time: send, then read until the ack (or the end of a
 * dump), with callbacks that hand replies to the caller and keep the
 * kernel's extended ack message for the error line. Or, for batches,
 * pipelined: requests that expect only an ack are queued, sent many to a
 * sendmsg(), and their acks read in bulk (see ipc_pipeline()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/podnet.h>

#include "ipc.h"
#include "err.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* The state of one request while its answer is read. */
struct req {
	ipc_reply_fn fn;
	void *arg;
	bool done;
	bool intr;		/* NLM_F_DUMP_INTR seen */
	bool fn_failed;		/* @fn failed; fail() holds its message */
	int error;		/* negative errno from the kernel */
	char msg[256];		/* the kernel's extended ack message */
	uint32_t bad_attr;	/* offset of the attribute it blames, or 0 */
};

static int ext_ack_on(struct nl_sock *sk)
{
	int one = 1;

	/* libnl 3.7 has no nl_socket_set_ext_ack(). */
	if (setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &one, sizeof(one)) < 0)
		return fail("cannot enable netlink extended acks: %s",
			    strerror(errno));
	/*
	 * An error ack need not echo the request: a pipelined batch's acks
	 * are kept small, and so fit in the receive buffer.
	 */
	if (setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK,
		       &one, sizeof(one)) < 0)
		return fail("cannot cap netlink acks: %s", strerror(errno));
	return 0;
}

/*
 * Find the extended ack TLVs of @nlh, which start @off bytes into the
 * message, and copy the message text (or, lacking one, which attribute is
 * missing) to @buf, empty if there is none, and the offset of the attribute
 * it blames to *@bad_attr (0: none).
 */
static void ext_ack_parse(const struct nlmsghdr *nlh, size_t off, char *buf,
			  size_t size, uint32_t *bad_attr)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	buf[0] = '\0';
	if (bad_attr)
		*bad_attr = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_ALIGN(off);
	if (off >= nlh->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		const char *s = nla_data(tb[NLMSGERR_ATTR_MSG]);
		size_t len = strnlen(s, nla_len(tb[NLMSGERR_ATTR_MSG]));

		if (len >= size)
			len = size - 1;
		memcpy(buf, s, len);
		buf[len] = '\0';
		/* Kernel messages may end in a newline or a period: keep neither. */
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '.'))
			buf[--len] = '\0';
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		   nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4) {
		snprintf(buf, size, "missing attribute %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	}
	if (bad_attr && tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4)
		*bad_attr = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

/* Where the TLVs of an NLMSG_ERROR message start. */
static size_t ack_tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > NLMSG_HDRLEN)
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return off;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (void *)((char *)e - NLMSG_HDRLEN);
	struct req *r = arg;

	(void)nla;
	r->done = true;
	r->error = e->error;
	ext_ack_parse(nlh, ack_tlv_offset(nlh), r->msg, sizeof(r->msg),
		      &r->bad_attr);
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req *r = arg;
	char buf[256];

	r->done = true;
	/* A successful request may carry a warning. */
	ext_ack_parse(nlh, ack_tlv_offset(nlh), buf, sizeof(buf), NULL);
	if (buf[0])
		warn("warning: %s", buf);
	return NL_STOP;
}

/* The end of a dump: NLMSG_DONE carries the dump's error, if any. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req *r = arg;
	int err;

	r->done = true;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			r->error = err;
			ext_ack_parse(nlh, NLMSG_HDRLEN + sizeof(int), r->msg,
				      sizeof(r->msg), &r->bad_attr);
		}
	}
	return NL_STOP;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;

	(void)msg;
	r->intr = true;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;

	if (!r->fn || r->fn_failed)
		return NL_OK;
	if (r->fn(msg, r->arg) < 0)
		r->fn_failed = true;	/* keep reading up to the ack */
	return NL_OK;
}

/* Make room for @need elements of @elem bytes in *@v; 0 or -1. */
static int grow(void **v, unsigned int *size, size_t need, size_t elem)
{
	size_t n = *size ? *size : 16;
	void *p;

	if (need <= *size)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*v, n * elem);
	if (!p)
		return -1;
	*v = p;
	*size = n;
	return 0;
}

static struct ipc_label *label_new(struct ipc *ipc, struct nl_msg *msg)
{
	struct ipc_label *l;

	if (grow((void **)&ipc->labels, &ipc->size, ipc->nlabels + 1,
		 sizeof(*l)) < 0)
		return NULL;	/* only the error message is the poorer */
	l = &ipc->labels[ipc->nlabels++];
	/* libnl keeps nlmsg_len aligned: the next attribute starts there. */
	l->offset = nlmsg_hdr(msg)->nlmsg_len;
	l->tag = ipc->tag;
	return l;
}

void ipc_label(struct ipc *ipc, struct nl_msg *msg, const char *token)
{
	struct ipc_label *l = label_new(ipc, msg);
	size_t len;

	if (!l)
		return;
	l->fn = NULL;
	len = strnlen(token, sizeof(l->token) - 1);
	memcpy(l->token, token, len);
	l->token[len] = '\0';
}

void ipc_label_fmt(struct ipc *ipc, struct nl_msg *msg, ipc_label_fn fn,
		   const void *val, size_t len)
{
	struct ipc_label *l = label_new(ipc, msg);

	if (!l)
		return;
	if (len > sizeof(l->val)) {
		ipc->nlabels--;	/* a caller's mistake: no label */
		return;
	}
	l->fn = fn;
	memcpy(l->val, val, len);
}

/* The label of the attribute at @offset, if any. */
static const struct ipc_label *label_find(const struct ipc_label *labels,
					  unsigned int n, uint32_t offset)
{
	unsigned int i;

	for (i = 0; offset && i < n; i++)
		if (labels[i].offset == offset)
			return &labels[i];
	return NULL;
}

/* What the user typed for label @l (formatted into @buf if need be). */
static const char *label_token(const struct ipc_label *l, char *buf,
			       size_t size)
{
	if (!l)
		return NULL;
	if (!l->fn)
		return l->token;
	l->fn(l->val, buf, size);
	return buf;
}

/*
 * The error line of a refused request: the kernel's message @msg (or
 * strerror() of @error), and the token it blames unless it names it.
 */
static void error_text(int error, const char *msg, const char *token,
		       char *buf, size_t size)
{
	const char *text = msg[0] ? msg : strerror(-error);

	if (token && !strstr(text, token))
		snprintf(buf, size, "%s `%s'", text, token);
	else
		snprintf(buf, size, "%s", text);
}

static int transact(struct ipc *ipc, struct nl_sock *sk, struct nl_msg *msg,
		    ipc_reply_fn fn, void *arg)
{
	struct req r = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int err;

	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		fail("out of memory");
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &r);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, &r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &r);

	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		fail("cannot send a netlink request: %s", nl_geterror(err));
		return -EIO;
	}
	while (!r.done) {
		err = nl_recvmsgs(sk, cb);
		if (err < 0 && !r.error) {
			nl_cb_put(cb);
			fail("netlink: %s", nl_geterror(err));
			return -EIO;
		}
		if (err < 0)
			break;
	}
	nl_cb_put(cb);

	if (r.error < 0) {
		char text[sizeof(r.msg) + 64], token[IPC_TOKEN_MAX];

		error_text(r.error, r.msg,
			   label_token(label_find(ipc->labels, ipc->nlabels,
						  r.bad_attr),
				       token, sizeof(token)),
			   text, sizeof(text));
		fail("%s", text);
		return r.error;
	}
	if (r.fn_failed)
		return -EINVAL;	/* fail() was set by fn */
	return r.intr ? IPC_DUMP_INTR : 0;
}

/*
 * Pipelining. The queue is one sendmsg()'s worth of requests: at most
 * QUEUE_BYTES of them, or what the send buffer allows (one longer request
 * goes alone), and no more than the receive buffer holds the acks of,
 * since the kernel handles them all before sendmsg() returns and drops an
 * ack that finds the buffer full.
 *
 * Only the last request of a sendmsg() asks for an ack (NLM_F_ACK): the
 * kernel answers a request without it only if it fails, and answers in
 * order, so once the last one's ack is read, the requests before it that
 * had no error message succeeded. (A success's extended-ack warning is
 * lost that way: the podnet family sends none.)
 */
#define QUEUE_BYTES	65536
#define SNDBUF_WANTED	(4 * QUEUE_BYTES)
#define RCVBUF_WANTED	(4 << 20)
#define ACK_TRUESIZE	1024	/* what an ack takes of the receive buffer, at most */
#define RECV_BATCH	32	/* acks read by one recvmmsg() */
#define ACK_BUFSIZE	4096

/* A queued request: its tag, and the labels of its attributes. */
struct pending {
	uint32_t seq;
	unsigned int tag;
	unsigned int label, nlabels;	/* in ipc_queue.labels */
	bool answered;
};

struct ipc_queue {
	char *buf;			/* the requests, back to back */
	size_t len, last;		/* @last: offset of the last request */
	unsigned int bufsize;
	struct pending *v;
	unsigned int n, answered, size;
	struct ipc_label *labels;
	unsigned int nlabels, labelsize;
	size_t bytes;			/* of requests in one sendmsg() */
	unsigned int max;		/* requests the receive buffer holds the acks of */
	uint32_t seq;
	char *rbuf;			/* RECV_BATCH acks */
};

/*
 * Size a buffer of the socket (libnl made both 32 KiB): beyond
 * net.core.[rw]mem_max with CAP_NET_ADMIN, else up to it. Returns what
 * the kernel then allows (twice what was asked for), 0 if unknown.
 */
static int buf_size(int fd, int opt, int force, int size)
{
	socklen_t len = sizeof(size);

	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
	if (getsockopt(fd, SOL_SOCKET, opt, &size, &len) < 0)
		return 0;
	return size;
}

static int queue_init(struct ipc *ipc)
{
	int fd = nl_socket_get_fd(ipc->sk), size;
	struct ipc_queue *q = calloc(1, sizeof(*q));

	if (q)
		q->rbuf = malloc(RECV_BATCH * ACK_BUFSIZE);
	if (!q || !q->rbuf) {
		free(q);
		return fail("out of memory");
	}
	/* netlink_sendmsg() takes up to the send buffer, less 32 bytes. */
	size = buf_size(fd, SO_SNDBUF, SO_SNDBUFFORCE, SNDBUF_WANTED) - 32;
	q->bytes = size < QUEUE_BYTES ? (size > 4096 ? size : 4096) : QUEUE_BYTES;
	size = buf_size(fd, SO_RCVBUF, SO_RCVBUFFORCE, RCVBUF_WANTED);
	q->max = size / ACK_TRUESIZE ?: 1;
	ipc->queue = q;
	return 0;
}

static void queue_free(struct ipc_queue *q)
{
	if (!q)
		return;
	free(q->buf);
	free(q->v);
	free(q->labels);
	free(q->rbuf);
	free(q);
}

static int queue_msg(struct ipc *ipc, struct nl_msg *msg)
{
	struct ipc_queue *q = ipc->queue;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
	struct pending *p;

	if (q->n && (q->len + len > q->bytes || q->n == q->max) &&
	    ipc_flush(ipc) < 0) {
		nlmsg_free(msg);
		return -EIO;
	}
	if (grow((void **)&q->buf, &q->bufsize, q->len + len, 1) < 0 ||
	    grow((void **)&q->v, &q->size, q->n + 1, sizeof(*q->v)) < 0 ||
	    grow((void **)&q->labels, &q->labelsize, q->nlabels + ipc->nlabels,
		 sizeof(*q->labels)) < 0) {
		nlmsg_free(msg);
		fail("out of memory");
		return -ENOMEM;
	}
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_flags &= ~NLM_F_ACK;	/* ipc_flush() sets it on the last */
	nlh->nlmsg_seq = ++q->seq;
	nlh->nlmsg_pid = nl_socket_get_local_port(ipc->sk);
	memset(q->buf + q->len, 0, len);
	memcpy(q->buf + q->len, nlh, nlh->nlmsg_len);
	q->last = q->len;
	q->len += len;
	p = &q->v[q->n++];
	*p = (struct pending){
		.seq = nlh->nlmsg_seq,
		.tag = ipc->tag,
		.label = q->nlabels,
		.nlabels = ipc->nlabels,
	};
	memcpy(q->labels + q->nlabels, ipc->labels, ipc->nlabels * sizeof(*q->labels));
	q->nlabels += ipc->nlabels;
	nlmsg_free(msg);
	return 0;
}

/* The last request is answered: those without an answer succeeded. */
static void acks_implied(struct ipc *ipc)
{
	struct ipc_queue *q = ipc->queue;
	unsigned int i;

	for (i = 0; i + 1 < q->n; i++) {
		if (q->v[i].answered)
			continue;
		q->v[i].answered = true;
		q->answered++;
		ipc->ack_fn(ipc->ack_arg, q->v[i].tag, 0, "");
	}
}

/* Hand the ack @nlh to the ack handler; @whole: not truncated. */
static void ack_one(struct ipc *ipc, const struct nlmsghdr *nlh, bool whole)
{
	struct ipc_queue *q = ipc->queue;
	const struct nlmsgerr *e = nlmsg_data(nlh);
	uint32_t i = nlh->nlmsg_seq - q->v[0].seq, bad_attr = 0;
	char msg[256], text[sizeof(msg) + 64], token[IPC_TOKEN_MAX];
	const struct ipc_label *l;
	struct pending *p;

	if (i >= q->n || q->v[i].seq != nlh->nlmsg_seq || q->v[i].answered)
		return;		/* not one of ours */
	p = &q->v[i];
	p->answered = true;
	q->answered++;
	if (i == q->n - 1)
		acks_implied(ipc);
	msg[0] = '\0';
	if (whole)
		ext_ack_parse(nlh, ack_tlv_offset(nlh), msg, sizeof(msg), &bad_attr);
	if (!e->error) {
		/* A successful request may carry a warning. */
		if (msg[0])
			warn("warning: %s", msg);
		ipc->ack_fn(ipc->ack_arg, p->tag, 0, "");
		return;
	}
	l = label_find(q->labels + p->label, p->nlabels, bad_attr);
	error_text(e->error, msg, label_token(l, token, sizeof(token)), text,
		   sizeof(text));
	ipc->ack_fn(ipc->ack_arg, l ? l->tag : p->tag, e->error, text);
}

/* The acks in the @len bytes read at @buf; @trunc: there was more. */
static void acks_parse(struct ipc *ipc, const char *buf, size_t len, bool trunc)
{
	while (len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr)) {
		const struct nlmsghdr *nlh = (const void *)buf;
		size_t mlen = nlh->nlmsg_len;

		if (mlen < NLMSG_HDRLEN || (mlen > len && !trunc))
			return;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			ack_one(ipc, nlh, mlen <= len);
		if (NLMSG_ALIGN(mlen) >= len)
			return;
		buf += NLMSG_ALIGN(mlen);
		len -= NLMSG_ALIGN(mlen);
	}
}

/* Read acks until every queued request has one. */
static int acks_read(struct ipc *ipc)
{
	struct ipc_queue *q = ipc->queue;
	struct mmsghdr mm[RECV_BATCH];
	struct iovec iov[RECV_BATCH];
	int fd = nl_socket_get_fd(ipc->sk), i, n;

	while (q->answered < q->n) {
		/* Errors, then the last request's ack: how many is not known. */
		n = RECV_BATCH;
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < n; i++) {
			iov[i].iov_base = q->rbuf + i * ACK_BUFSIZE;
			iov[i].iov_len = ACK_BUFSIZE;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, mm, n, MSG_WAITFORONE, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS)
			return fail("netlink acks lost: receive buffer overrun");
		if (n < 0)
			return fail("cannot read netlink acks: %s", strerror(errno));
		for (i = 0; i < n; i++)
			acks_parse(ipc, iov[i].iov_base, mm[i].msg_len,
				   mm[i].msg_hdr.msg_flags & MSG_TRUNC);
	}
	return 0;
}

int ipc_flush(struct ipc *ipc)
{
	struct ipc_queue *q = ipc->queue;
	ssize_t n;
	int ret;

	if (!q || !q->n)
		return 0;
	((struct nlmsghdr *)(q->buf + q->last))->nlmsg_flags |= NLM_F_ACK;
	do
		n = send(nl_socket_get_fd(ipc->sk), q->buf, q->len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = fail("cannot send netlink requests: %s", strerror(errno));
	else if ((size_t)n != q->len)
		ret = fail("netlink requests sent in part");
	else
		ret = acks_read(ipc);
	q->len = 0;
	q->n = 0;
	q->answered = 0;
	q->nlabels = 0;
	return ret;
}

int ipc_pipeline(struct ipc *ipc, ipc_ack_fn fn, void *arg)
{
	int ret;

	if (fn == ipc->ack_fn && arg == ipc->ack_arg)
		return 0;	/* no change: the queue fills on */
	ret = ipc_flush(ipc);
	if (fn && !ipc->queue && queue_init(ipc) < 0)
		return -1;
	ipc->ack_fn = fn;
	ipc->ack_arg = arg;
	return ret;
}

int ipc_transact(struct ipc *ipc, struct nl_msg *msg, ipc_reply_fn fn, void *arg)
{
	if (ipc->ack_fn && !fn && !(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		return queue_msg(ipc, msg);
	/* Answers come in order: those queued before this one first. */
	if (ipc_flush(ipc) < 0) {
		nlmsg_free(msg);
		return -EIO;
	}
	return transact(ipc, ipc->sk, msg, fn, arg);
}

int ipc_open(struct ipc *ipc)
{
	int err;

	memset(ipc, 0, sizeof(*ipc));
	ipc->sk = nl_socket_alloc();
	if (!ipc->sk)
		return fail("out of memory");
	err = genl_connect(ipc->sk);
	if (err < 0) {
		fail("cannot open a generic netlink socket: %s", nl_geterror(err));
		goto err;
	}
	nl_socket_enable_msg_peek(ipc->sk);
	if (ext_ack_on(ipc->sk) < 0)
		goto err;
	ipc->family = genl_ctrl_resolve(ipc->sk, PODNET_GENL_NAME);
	if (ipc->family < 0) {
		if (ipc->family == -NLE_OBJ_NOTFOUND)
			fail("podnet module not loaded (modprobe podnet)");
		else
			fail("cannot resolve the generic netlink family `%s': %s",
			     PODNET_GENL_NAME, nl_geterror(ipc->family));
		goto err;
	}
	return 0;
err:
	nl_socket_free(ipc->sk);
	ipc->sk = NULL;
	return -1;
}

void ipc_close(struct ipc *ipc)
{
	if (ipc->sk)
		nl_socket_free(ipc->sk);
	if (ipc->rtnl)
		nl_socket_free(ipc->rtnl);
	free(ipc->labels);
	queue_free(ipc->queue);
	memset(ipc, 0, sizeof(*ipc));
}

struct nl_msg *ipc_msg(struct ipc *ipc, uint8_t cmd, int flags)
{
	/*
	 * Requests are small (endpoint set makes room for its endpoints):
	 * not libnl's default of a page, which calloc() clears each time.
	 */
	struct nl_msg *msg = nlmsg_alloc_size(1024);

	ipc->nlabels = 0;	/* a new request */
	if (!msg) {
		fail("out of memory");
		return NULL;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ipc->family, 0,
			 flags, cmd, PODNET_GENL_VERSION)) {
		nlmsg_free(msg);
		fail("out of memory");
		return NULL;
	}
	return msg;
}

int ipc_set_master(struct ipc *ipc, uint32_t ifindex, uint32_t master)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = (int)ifindex,
	};
	struct nl_msg *msg;
	int err;

	if (ipc_flush(ipc) < 0)
		return -EIO;
	if (!ipc->rtnl) {
		ipc->rtnl = nl_socket_alloc();
		if (!ipc->rtnl)
			goto nomem;
		err = nl_connect(ipc->rtnl, NETLINK_ROUTE);
		if (err < 0) {
			nl_socket_free(ipc->rtnl);
			ipc->rtnl = NULL;
			fail("cannot open an rtnetlink socket: %s", nl_geterror(err));
			return -EIO;
		}
		nl_socket_enable_msg_peek(ipc->rtnl);
		if (ext_ack_on(ipc->rtnl) < 0)
			return -EIO;
	}
	msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	if (!msg)
		goto nomem;
	ipc->nlabels = 0;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_MASTER, master) < 0) {
		nlmsg_free(msg);
		goto nomem;
	}
	return transact(ipc, ipc->rtnl, msg, NULL, NULL);
nomem:
	fail("out of memory");
	return -ENOMEM;
}

struct listen {
	ipc_reply_fn fn;
	void *arg;
	bool failed;
};

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int listen_cb(struct nl_msg *msg, void *arg)
{
	struct listen *l = arg;

	if (l->fn(msg, l->arg) < 0) {
		l->failed = true;
		return NL_STOP;
	}
	return NL_OK;
}

int ipc_listen(struct ipc *ipc, const char *group, ipc_reply_fn fn, void *arg)
{
	struct listen l = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int grp, err;

	grp = genl_ctrl_resolve_grp(ipc->sk, PODNET_GENL_NAME, group);
	if (grp < 0)
		return fail("cannot find the multicast group `%s': %s", group,
			    nl_geterror(grp));
	err = nl_socket_add_membership(ipc->sk, grp);
	if (err < 0)
		return fail("cannot join the multicast group `%s': %s", group,
			    nl_geterror(err));
	/* Make a burst of changes less likely to overrun the socket. */
	nl_socket_set_buffer_size(ipc->sk, 1 << 20, 0);

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return fail("out of memory");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, listen_cb, &l);
	/* Notifications are not answers: no sequence numbers to check. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	for (;;) {
		err = nl_recvmsgs(ipc->sk, cb);
		if (l.failed)
			break;
		if (err == -NLE_NOMEM) {
			/* recvmsg() failed with ENOBUFS: messages were lost. */
			warn("events lost: receive buffer overrun");
			continue;
		}
		if (err < 0) {
			fail("netlink: %s", nl_geterror(err));
			break;
		}
	}
	nl_cb_put(cb);
	return -1;
}

int ipc_addrs_parse(struct nlattr *nest, struct pn_addr *addrs, unsigned int max,
		    unsigned int *n, const char *what)
{
	struct nlattr *a;
	int rem, family;

	*n = 0;
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case PODNET_ADDR_A_IPV4:
			family = AF_INET;
			break;
		case PODNET_ADDR_A_IPV6:
			family = AF_INET6;
			break;
		default:
			continue;	/* a newer kernel's kind of address */
		}
		if (nla_len(a) != (int)addr_len(family))
			return fail("malformed reply: address of %d bytes", nla_len(a));
		if (*n == max)
			return fail("malformed reply: more than %u %s", max, what);
		memset(&addrs[*n], 0, sizeof(addrs[*n]));
		addrs[*n].family = family;
		memcpy(addrs[*n].bytes, nla_data(a), nla_len(a));
		++*n;
	}
	return 0;
}

int ipc_stats_parse(struct nlattr *nest, const char *const *names, int max,
		    uint64_t *stats)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		int type = nla_type(a);

		if (type > max || !names[type])
			continue;	/* padding, or a newer counter */
		if (nla_len(a) != sizeof(uint64_t))
			return fail("malformed reply: counter of %d bytes", nla_len(a));
		stats[type] = nla_get_u64(a);
	}
	return 0;
}
