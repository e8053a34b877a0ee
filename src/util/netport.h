/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP ports on 127.0.0.1: one that is free right now. */
#ifndef VMDESK_UTIL_NETPORT_H
#define VMDESK_UTIL_NETPORT_H

/* A TCP port on 127.0.0.1 free right now, or -1 and *cause. */
int	netport_free(char **);

#endif
