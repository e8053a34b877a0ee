/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP and UDP ports on 127.0.0.1: one that is free, whether one is. */
#ifndef VMDESK_UTIL_NETPORT_H
#define VMDESK_UTIL_NETPORT_H

/* A TCP port on 127.0.0.1 free right now, or -1 and *cause. */
int	netport_free(char **);

/* The same for TCP (udp 0) or UDP (udp 1). */
int	netport_free_proto(int, char **);

/* Whether a program could bind this TCP or UDP port on 127.0.0.1 now. */
int	netport_is_free(int, int);

#endif
