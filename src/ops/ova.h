/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OVA appliances: a tar holding an OVF descriptor (read with libxml2) and
 * VMDK disks, imported as a new VM with the disks converted to qcow2.
 */
#ifndef VMDESK_OPS_OVA_H
#define VMDESK_OPS_OVA_H

#include <stddef.h>
#include <stdint.h>

#include "core/library.h"
#include "core/vmdef.h"
#include "ops/bundle.h"

struct ova_disk {
	char		*href;		/* the OVA member holding it */
	uint64_t	 capacity;	/* bytes, 0 when not given */
	enum vm_disk_bus bus;		/* from its controller */
};

/* What an OVF descriptor says about its virtual system. */
struct ova_spec {
	char		*name;
	int		 cpus;		/* 0 when not given */
	uint64_t	 memory;	/* bytes, 0 when not given */
	struct ova_disk	*disks;
	size_t		 ndisks;
	int		 nnics;
	enum vm_nic_model nic_model;
	enum vm_firmware firmware;	/* UEFI when VMware or VirtualBox
					   say so */
};

/* Parse an OVF descriptor. NULL and *cause when it is not usable. */
struct ova_spec	*ova_parse(const char *, size_t, char **);
void		 ova_spec_free(struct ova_spec *);
/*
 * A VM name made from an OVF name: characters vmdesk does not allow
 * become '-'. NULL when nothing usable is left. Caller frees.
 */
char		*ova_vm_name(const char *);
/*
 * Import an OVA as VM name (NULL: the OVF's name). The VM appears whole,
 * or not at all; *namep gets the name used (caller frees).
 */
int		 ova_import(const struct library *, const char *, const char *,
		     bundle_progress_cb, void *, char **, char **);

#endif
