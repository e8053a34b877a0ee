/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A lab file (vmdesk-lab(5)): INI like vm.conf, a [lab] section and one
 * [vm NAME] section per VM (count = N makes NAME-1 .. NAME-N), read and
 * checked whole against the templates and the VM model before anything
 * is made. Errors read "file:line: ...".
 */
#ifndef VMDESK_OPS_LABFILE_H
#define VMDESK_OPS_LABFILE_H

#include <stdint.h>

#include "core/library.h"
#include "core/vmdef.h"
#include "util/strv.h"

#define LABFILE_COUNT_MAX	64
#define LABFILE_BASELINE	"baseline"
/* Seconds a VM has to say it is ready, and each provision command. */
#define LABFILE_READY_TIMEOUT	300

/* A vm.conf key a lab sets ("memory", "nic.lab.net"), at its line. */
struct lab_key {
	char	*key;
	char	*value;		/* {n} and {name} already replaced */
	int	 line;
};

/* disk.NAME.size: a disk the lab adds (vmdesk disk add). */
struct lab_disk {
	char		*name;
	uint64_t	 size;
	char		*bus;		/* or NULL: virtio */
	int		 line;
};

/* One VM of a lab, after count is expanded. */
struct lab_vm {
	char		*name;		/* "web-2", or "db" */
	char		*group;		/* the [vm NAME] it comes from */
	int		 index;		/* 1 .. count; 1 without count */
	int		 line;		/* of its [vm] section */
	char		*template;
	int		 cloud_init;	/* the template has it */
	int		 ram_only;	/* tinylinux: its state is in RAM */
	struct lab_key	*keys;
	size_t		 nkeys;
	struct lab_disk	*disks;
	size_t		 ndisks;
	struct strv	 provision;	/* commands, in order */
	char		*ready;		/* serial text that says ready */
	int		 timeout;	/* seconds for ready, and each command */
	char		*user;		/* cloud-init login, or NULL */
	char		*password;	/* or NULL */
	struct strv	 ssh_keys;	/* key files */
};

struct lab {
	char		*file;		/* absolute */
	char		*name;
	char		*description;	/* or NULL */
	char		*baseline;	/* the baseline snapshot's name */
	struct lab_vm	*vms;
	size_t		 nvms;
};

/*
 * Read and check a lab file: every key known, every value valid for the
 * VM model and the VM's template (found in the library's folders).
 */
struct lab	*labfile_load(const struct library *, const char *, char **);
void		 labfile_free(struct lab *);
/*
 * Set vm's vm.conf keys in def, adding the nic, share and usb sections
 * they name. Errors read "file:line: ...".
 */
int		 labfile_apply(struct vm_def *, const struct lab_vm *,
		     const char *, char **);
/* A VM of the lab by name, or NULL. */
struct lab_vm	*labfile_vm(const struct lab *, const char *);

#endif
