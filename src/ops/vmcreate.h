/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Making a new VM: from a template, with its disk, boot files and vm.conf
 * in a staging folder that becomes the VM in one rename when complete.
 */
#ifndef VMDESK_OPS_VMCREATE_H
#define VMDESK_OPS_VMCREATE_H

#include "core/library.h"
#include "images/imgcache.h"
#include "images/template.h"

/*
 * Create VM name from a template: its disk, boot files and vm.conf in a
 * staging folder, made visible in one rename when complete. A template
 * with an image (or opt->image) fetches it into the cache and gives the
 * VM a qcow2 overlay on it; an ISO (the template's or opt->iso) comes
 * with a blank disk. progress (may be NULL) hears about the fetch and
 * can cancel it. The template's image is its current release when it
 * names an index (images/resolve.h); *note (note may be NULL) says so
 * when its pin was used instead, or is NULL. Caller frees *note.
 */
int	vmcreate_from_template(const struct library *,
	    const struct template *, const char *,
	    const struct template_opts *, imgcache_progress_cb, void *,
	    char **, char **);
/*
 * The hardware of a VM made from a bare image or ISO, without a
 * template: q35, BIOS, 2 CPUs, 1G, virtio. Caller frees.
 */
struct template	*vmcreate_bare_template(int);
/*
 * Give every host forward of def a host port free right now that no other
 * VM of the library uses (a clone must run beside its source). Each
 * change is added to notes (may be NULL) as "forward tcp 2222->22 is now
 * 37101->22".
 */
int	vmcreate_new_ports(const struct library *, struct vm_def *,
	    struct strv *, char **);
/*
 * Whether another VM of the library forwards a host port that one of
 * this one's forwards uses.
 */
int	vmcreate_port_taken(const struct library *, const struct vm_def *);

#endif
