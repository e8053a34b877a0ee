/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Making a new VM: from a template, with its disk, boot files and vm.conf
 * in a staging folder that becomes the VM in one rename when complete.
 */
#ifndef VMDESK_IMAGES_VMCREATE_H
#define VMDESK_IMAGES_VMCREATE_H

#include "core/library.h"
#include "images/template.h"

/*
 * Create VM name from a template: its disk, boot files and vm.conf in a
 * staging folder, made visible in one rename when complete.
 */
int	vmcreate_from_template(const struct library *,
	    const struct template *, const char *,
	    const struct template_opts *, char **);
/* A TCP port on 127.0.0.1 free right now (for an ssh forward), or -1. */
int	vmcreate_free_port(char **);
/* Give the forwards to guest port 22 a host port free right now. */
int	vmcreate_new_ssh_port(struct vm_def *, char **);
/*
 * Whether another VM of the library forwards the host port that this
 * one's ssh forward uses.
 */
int	vmcreate_port_taken(const struct library *, const struct vm_def *);

#endif
