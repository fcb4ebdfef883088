/* SPDX-License-Identifier: GPL-2.0 */
/* libpodnet: talking to the podnet generic netlink family (libnl-genl-3). */
#ifndef PODNETCTL_IPC_H
#define PODNETCTL_IPC_H

#include <stdint.h>
#include <netlink/msg.h>

#include "addr.h"

#define IPC_LABEL_SIZE 48
#define IPC_TOKEN_MAX 64	/* the longest token a label prints, NUL included */

/*
 * Formats a label's value as the user typed it (see ipc_label_fmt()):
 * at most @size bytes, NUL included, into @buf.
 */
typedef void (*ipc_label_fn)(const void *val, char *buf, size_t size);

/*
 * What the user typed for one attribute of a request: see ipc_label().
 * Either the token itself (@fn NULL), or a copy of the parsed value and
 * how to print it, formatted only when an error names the attribute.
 */
struct ipc_label {
	uint32_t offset;	/* of the attribute in the request */
	unsigned int tag;	/* ipc->tag when it was labelled */
	ipc_label_fn fn;
	union {
		char token[IPC_LABEL_SIZE];
		unsigned char val[IPC_LABEL_SIZE];
	};
};

/*
 * What a pipelined request's ack says: the request's @tag (see struct ipc),
 * or, when the kernel blames an attribute labelled under another tag, that
 * one (a request made of two lines blames the line at fault); 0 or a
 * negative errno, and the error line ("<kernel message> `<token>'", or
 * strerror()), empty on success.
 */
typedef void (*ipc_ack_fn)(void *arg, unsigned int tag, int error, const char *msg);

struct ipc_queue;

/**
 * struct ipc - the netlink sockets of one run
 * @sk: generic netlink socket, extended acks on, acks capped
 * @family: the podnet family id
 * @rtnl: rtnetlink socket, opened on first use (batch undo only)
 * @labels: labels of the request being built
 * @nlabels: how many
 * @size: room for how many
 * @ack_fn: pipelining on (ipc_pipeline()): where the acks go
 * @ack_arg: its argument
 * @tag: the tag of the requests queued next, set by the caller
 * @queue: the requests queued and not yet answered
 */
struct ipc {
	struct nl_sock *sk;
	int family;
	struct nl_sock *rtnl;
	struct ipc_label *labels;
	unsigned int nlabels, size;
	ipc_ack_fn ack_fn;
	void *ack_arg;
	unsigned int tag;
	struct ipc_queue *queue;
};

/*
 * Open the socket in the current network namespace and resolve the
 * "podnet" family. 0, or -1 with fail() set ("podnet module not loaded
 * (modprobe podnet)" if the family is not registered).
 */
int ipc_open(struct ipc *ipc);
void ipc_close(struct ipc *ipc);

/* A new podnet request of @cmd; @flags are added to NLM_F_REQUEST. */
struct nl_msg *ipc_msg(struct ipc *ipc, uint8_t cmd, int flags);

/*
 * Label the next attribute to be put in @msg with @token, what the user
 * typed for it. The kernel (6.1 cannot format its messages) names a bad
 * attribute by its offset in the request; an error about a labelled
 * attribute is printed as "<kernel message> `<token>'".
 */
void ipc_label(struct ipc *ipc, struct nl_msg *msg, const char *token);

/*
 * The same, for a value (@len bytes at @val, at most IPC_LABEL_SIZE, copied)
 * that @fn prints as the user typed it: formatting waits for an error, so
 * that a batch of many requests does not print every token it sends.
 */
void ipc_label_fmt(struct ipc *ipc, struct nl_msg *msg, ipc_label_fn fn,
		   const void *val, size_t len);

/*
 * A reply handler: 0 to go on, or -1 with fail() set to stop; the request
 * then fails with that message once the kernel's answer is drained.
 */
typedef int (*ipc_reply_fn)(struct nl_msg *msg, void *arg);

/* ipc_transact() returns this when a dump saw the table change under it. */
#define IPC_DUMP_INTR 1

/*
 * Send @msg (consumed; its labels too) and read the answer: each reply
 * message goes to @fn (may be NULL), until the ack or the end of the dump.
 * Requests that are not dumps get NLM_F_ACK added. Returns 0,
 * IPC_DUMP_INTR, or a negative errno with fail() set to the kernel's
 * extended ack message, or to strerror() when it sent none.
 *
 * With pipelining on, a request that expects only an ack (no @fn, not a
 * dump) is queued instead, tagged with @ipc->tag, and 0 returned: its ack
 * goes to the ack handler when the queue is flushed. Any other request
 * flushes the queue first.
 */
int ipc_transact(struct ipc *ipc, struct nl_msg *msg, ipc_reply_fn fn, void *arg);

/*
 * Pipelining (batches): queue the requests that expect only an ack, for
 * @fn, from now on; @fn NULL: send them one at a time again. What was
 * queued for another handler is flushed first. The queue is flushed when it holds about 64 KiB of requests,
 * or as many as the socket's receive buffer holds the acks of: the
 * requests go in one sendmsg(), and the kernel handles them in order, each
 * whatever became of the ones before it. Returns what ipc_flush() does.
 */
int ipc_pipeline(struct ipc *ipc, ipc_ack_fn fn, void *arg);

/*
 * Send the queued requests and read their acks, handing each to the ack
 * handler. 0, or -1 with fail() set if the socket failed: the requests
 * not answered then may or may not have been carried out.
 */
int ipc_flush(struct ipc *ipc);

/* Make @ifindex a port of @master over rtnetlink ("ip link set master"). */
int ipc_set_master(struct ipc *ipc, uint32_t ifindex, uint32_t master);

/*
 * Join the family's multicast group @group and hand every message received
 * to @fn until @fn fails or the socket does; lost messages (receive buffer
 * overrun) are reported with warn() and the loop goes on.
 */
int ipc_listen(struct ipc *ipc, const char *group, ipc_reply_fn fn, void *arg);

/*
 * Reading replies. ipc_addrs_parse(): the PODNET_ADDR_A_* addresses of
 * @nest into @addrs (at most @max; addresses of a kind unknown here, from a
 * newer kernel, are skipped), their number in *@n; @what names them in
 * errors ("more than 8 addresses"). ipc_stats_parse(): the counters of
 * @nest into @stats, by type, for the types up to @max that have a name in
 * @names (padding and newer counters skipped). 0, or -1 with fail() set.
 */
int ipc_addrs_parse(struct nlattr *nest, struct pn_addr *addrs, unsigned int max,
		    unsigned int *n, const char *what);
int ipc_stats_parse(struct nlattr *nest, const char *const *names, int max,
		    uint64_t *stats);

#endif /* PODNETCTL_IPC_H */
