/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kube-proxy's service health checks, for podnetctl apply --watch: an HTTP
 * server on the healthCheckNodePort of each LoadBalancer Service with
 * externalTrafficPolicy Local, which tells the load balancer whether this
 * node has a ready endpoint of the service.
 */
#ifndef PODNETCTL_HEALTHCHECK_H
#define PODNETCTL_HEALTHCHECK_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "kube.h"

struct hc;

/* CLOCK_MONOTONIC in ms: the clock of the servers' times and timeouts. */
long long mono_ms(void);

struct hc *hc_new(void);
void hc_free(struct hc *hc);
/*
 * Make the servers of @service (every service if NULL) those @ports say:
 * new ones listen, gone ones close, the others answer with the new
 * counts. A port that cannot be listened on is reported with warn().
 */
void hc_sync(struct hc *hc, const char *service, const struct kube_ports *ports);
/*
 * The services' servers listen on @addrs alone (kube-proxy's, with
 * --nodeport-addresses: the node's addresses in them), not on every
 * address. Before the first hc_sync().
 */
void hc_addresses(struct hc *hc, const struct kube_addr *addrs, unsigned int n);
/*
 * kube-proxy's own health server (its --healthz-bind-address): /healthz
 * and /livez on @addr (NULL: every address of the namespace), @port. A
 * port that cannot be listened on is reported with warn() and tried again.
 */
int hc_proxy(struct hc *hc, const struct kube_addr *addr, uint16_t port);
/* Whether this node takes load balancer traffic (/healthz's nodeEligible). */
void hc_node_eligible(struct hc *hc, bool eligible);
/*
 * kube-proxy's proxier health: hc_queued() when a change could not be
 * applied (from the first until hc_updated()), hc_updated() once every
 * change is; unhealthy (/healthz, /livez, and each service's
 * serviceProxyHealthy, 503) once a change has waited @ms (kube-proxy:
 * twice its --sync-period; 60 s unless set). @hc may be NULL.
 */
void hc_health_timeout(struct hc *hc, long long ms);
void hc_queued(struct hc *hc);
void hc_updated(struct hc *hc);
/* The descriptors to poll: at most hc_nfds() of them, into @pfd. */
unsigned int hc_nfds(const struct hc *hc);
unsigned int hc_pollfds(const struct hc *hc, struct pollfd *pfd);
/* Serve what @pfd (as hc_pollfds() filled them, after poll()) say. */
void hc_serve(struct hc *hc, const struct pollfd *pfd, unsigned int n);
/* The poll() timeout until the next pending request times out (ms, -1). */
int hc_timeout(const struct hc *hc);
/*
 * Between two events of a long run of them (a relist): serve what is
 * waiting, at most every HC_BETWEEN_MS, so that health checks are not
 * left unanswered while the events are applied. @hc may be NULL.
 */
void hc_between(struct hc *hc);

#endif /* PODNETCTL_HEALTHCHECK_H */
