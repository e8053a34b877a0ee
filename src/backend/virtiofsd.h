/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtiofsd, the host side of a virtio-fs share: find it, know whether it
 * can run as this user, start one per virtio-fs share before QEMU (its
 * socket in the VM's runtime folder), stop those left after QEMU.
 */
#ifndef VMDESK_BACKEND_VIRTIOFSD_H
#define VMDESK_BACKEND_VIRTIOFSD_H

#include "core/vmdef.h"

/* What this host's virtiofsd can do. */
struct virtiofsd_probe {
	char	*path;		/* the program, or NULL when none */
	int	 usable;	/* it runs as this user */
	int	 readonly;	/* it can serve a folder read-only */
	int	 unpriv;	/* started with --sandbox=none (not root) */
	int	 legacy;	/* QEMU's C virtiofsd: -o options */
	char	*why;		/* why it is not usable, or NULL */
};

/*
 * Look for virtiofsd: $VMDESK_VIRTIOFSD, else virtiofsd on PATH,
 * /usr/libexec/virtiofsd, /usr/lib/qemu/virtiofsd. Fills *pr (clear it).
 */
void	virtiofsd_probe(struct virtiofsd_probe *);
void	virtiofsd_probe_clear(struct virtiofsd_probe *);
/*
 * The mode a share gets from this host: VM_SHARE_VIRTIOFS or VM_SHARE_9P
 * (auto chooses), or -1 when it asks for virtio-fs and cannot have it.
 * *why (may be NULL; caller frees) says why auto chose 9p, or why not.
 */
int	virtiofsd_share_mode(const struct virtiofsd_probe *,
	    const struct vm_share *, char **);
/* A share's socket and pidfile in runtime folder run. Caller frees. */
char	*virtiofsd_socket(const char *, const char *);
char	*virtiofsd_pidfile(const char *, const char *);
/*
 * Start a virtiofsd for every virtio-fs share of def, each on its socket
 * in run (output appended to log), and wait for the sockets. Each ends
 * when QEMU closes its connection. On failure none is left.
 */
int	virtiofsd_start_all(const struct vm_def *,
	    const struct virtiofsd_probe *, const char *, const char *,
	    char **);
/* Stop every virtiofsd left in runtime folder run, and remove its files. */
void	virtiofsd_stop_all(const char *);
/* Whether share's virtiofsd is alive in runtime folder run. */
int	virtiofsd_alive(const char *, const char *);

#endif
