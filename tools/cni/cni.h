/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnet, the CNI plugin: what its files share.
 *
 *   main.c    the environment, stdin, VERSION, the error object
 *   conf.c    the network configuration, CNI_ARGS, results read
 *   result.c  results written, in the version asked for
 *   exec.c    delegation to the IPAM plugin (CNI_PATH)
 *   link.c    veth pairs, addresses, routes (rtnetlink, libnl-route-3)
 *   cmd.c     ADD, DEL, CHECK, STATUS, GC
 *
 * The CNI specification 1.1.0 (and 1.0.0, 0.4.0, 0.3.1, 0.3.0): a
 * container runtime runs the plugin with CNI_COMMAND and the other CNI_*
 * variables set and the network configuration on stdin; it prints a
 * result or an error object on stdout.
 */
#ifndef PODNET_CNI_H
#define PODNET_CNI_H

#include <stdbool.h>
#include <cJSON.h>
#include <net/if.h>

#include "addr.h"
#include "err.h"

#define CNI_PROG "podnet"

/* The spec's well-known error codes, and ours (100 and up). */
enum cni_code {
	CNI_ERR_VERSION = 1,		/* incompatible CNI version */
	CNI_ERR_FIELD = 2,		/* unsupported field in the configuration */
	CNI_ERR_NO_CONTAINER = 3,	/* container unknown or does not exist */
	CNI_ERR_ENV = 4,		/* invalid environment variable */
	CNI_ERR_IO = 5,			/* I/O failure */
	CNI_ERR_DECODE = 6,		/* failed to decode content */
	CNI_ERR_CONFIG = 7,		/* invalid network configuration */
	CNI_ERR_AGAIN = 11,		/* try again later */
	CNI_ERR_UNAVAILABLE = 50,	/* STATUS: the plugin is not available */
	CNI_ERR_SYSTEM = 100,		/* the kernel refused, or the system failed */
	CNI_ERR_CHECK = 101,		/* CHECK: not as the result says */
};

/*
 * cni_fail(): like fail(), with the error object's code; cni_code() is the
 * code of the last error (CNI_ERR_SYSTEM after a plain fail()).
 * cni_details(): a longer text for the error object's "details" (a
 * delegate's own), or NULL. All return -1.
 */
int cni_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cni_code(void);
void cni_set_code(int code);
void cni_set_details(const char *details);
const char *cni_details(void);

/*
 * The error of a step that failed, kept across what is done to undo it:
 * cni_err_restore() makes it the error again (and returns -1).
 */
struct cni_saved_err {
	int code;
	char msg[1024];
	char details[4096];
};
void cni_err_save(struct cni_saved_err *s);
int cni_err_restore(const struct cni_saved_err *s);

/* The CNI_* environment. */
struct cni_env {
	const char *command;
	const char *containerid;
	const char *netns;	/* "" when the runtime has none (DEL) */
	const char *ifname;
	const char *args;
	const char *path;
};

/* Versions: "0.3.0" ... "1.1.0", and the index of one among them. */
extern const char *const cni_versions[];
int cni_version_index(const char *v);	/* -1 if not supported */
#define CNI_V0_4_0 2
#define CNI_V1_0_0 3
#define CNI_V1_1_0 4

#define CNI_MAX_IFACES 8
#define CNI_MAX_IPS 8
#define CNI_MAX_ROUTES 32
#define CNI_SANDBOX_MAX 256

struct cni_iface {
	char name[IFNAMSIZ];
	char mac[MAC_STRLEN];		/* "" if none */
	char sandbox[CNI_SANDBOX_MAX];	/* "" on the host */
	unsigned int mtu;		/* 1.1.0; 0 if not given */
};

struct cni_ip {
	struct pn_addr addr;
	unsigned int plen;
	bool has_gw;
	struct pn_addr gw;
	int iface;			/* into interfaces[], -1 if none */
};

struct cni_route {
	struct pn_prefix dst;
	bool has_gw;
	struct pn_addr gw;
};

/* A result (1.0.0's shape; older versions are written from it). */
struct cni_result {
	unsigned int nifaces, nips, nroutes;
	struct cni_iface ifaces[CNI_MAX_IFACES];
	struct cni_ip ips[CNI_MAX_IPS];
	struct cni_route routes[CNI_MAX_ROUTES];
	cJSON *dns;			/* owned, or NULL */
};

/* An attachment GC is to keep. */
struct cni_attachment {
	const char *containerid;
	const char *ifname;
};

/* The network configuration, as given on stdin. */
struct cni_conf {
	char *raw;			/* stdin, NUL-terminated */
	size_t rawlen;
	cJSON *root;
	const char *version;		/* cniVersion */
	int vindex;			/* its cni_version_index() */
	const char *name;
	char device[IFNAMSIZ];
	unsigned int mtu;		/* 0: the kernel's default */
	const char *ipam_type;		/* NULL if no "ipam" */
	cJSON *dns;			/* "dns", or NULL */
	bool has_prev;
	struct cni_result prev;		/* "prevResult" */
	bool has_valid;
	unsigned int nvalid;
	struct cni_attachment *valid;	/* "cni.dev/valid-attachments" */
};

/* conf.c */
/* The spec's network name and container ID: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
bool cni_name_valid(const char *s);
int conf_parse(struct cni_conf *conf, const char *command);
void conf_free(struct cni_conf *conf);
int cni_args_check(const char *args);
int result_parse(const cJSON *j, struct cni_result *r);
void result_free(struct cni_result *r);

/* result.c */
cJSON *result_json(const struct cni_result *r, const char *version);
int result_print(const struct cni_result *r, const char *version);

/* exec.c */
/*
 * Run the plugin @type from CNI_PATH for @command with @stdin_data on its
 * stdin (the network configuration, cniVersion replaced by @version if not
 * NULL). 0 with its stdout in *@out (malloc'd, NUL-terminated; may be
 * NULL) if it exits 0; else -1 with its error object's code, msg and
 * details, or what went wrong running it.
 */
int cni_exec(const struct cni_env *env, const struct cni_conf *conf,
	     const char *type, const char *command, const char *version,
	     char **out);
/*
 * The IPAM plugin for @command: ADD fills @r; the others print nothing.
 * An IPAM that does not speak the configuration's version is asked in
 * the newest version both speak. STATUS and GC, which came with 1.1.0,
 * are skipped for an IPAM that predates them (*@skipped set).
 */
int ipam_run(const struct cni_env *env, const struct cni_conf *conf,
	     const char *command, struct cni_result *r, bool *skipped);

/* cmd.c */
int cmd_add(const struct cni_env *env, struct cni_conf *conf);
int cmd_del(const struct cni_env *env, struct cni_conf *conf);
int cmd_check(const struct cni_env *env, struct cni_conf *conf);
int cmd_status(const struct cni_env *env, struct cni_conf *conf);
int cmd_gc(const struct cni_env *env, struct cni_conf *conf);

#endif /* PODNET_CNI_H */
