/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Labs: the VMs a lab file declares, planned against the library, brought
 * up (made, changed, started, provisioned, a baseline snapshot taken),
 * reset to that baseline, stopped and destroyed together. A VM belongs
 * to a lab by its vm.conf key lab = NAME, set when the lab makes it, so
 * nothing else in the library is ever touched. The library records each
 * lab's file in home/labs/NAME.conf.
 */
#ifndef VMDESK_OPS_LAB_H
#define VMDESK_OPS_LAB_H

#include "core/library.h"
#include "ops/labfile.h"
#include "util/strv.h"

/* What up does to one VM. */
enum lab_verb {
	LAB_NOTHING,		/* as declared and running */
	LAB_CREATE,
	LAB_CHANGE,		/* keys differ (and it may start too) */
	LAB_START		/* as declared, but stopped */
};

/* A key whose value up changes. */
struct lab_change {
	char	*key;
	char	*from;		/* NULL: unset */
	char	*to;
};

/* The plan for one VM. */
struct lab_plan_vm {
	const struct lab_vm	*vm;
	enum lab_verb		 verb;
	int			 running;
	struct lab_change	*changes;
	size_t			 nchanges;
	struct strv		 disks;		/* lab disks to add */
};

struct lab_plan {
	struct lab_plan_vm	*vms;
	size_t			 nvms;
	struct strv		 strays;	/* the lab's VMs not in the file */
};

/* lab_hooks flags. */
#define LAB_RESTART	0x1	/* up: stop a running VM to change it */
#define LAB_FORCE	0x2	/* up: start even if memory is short */

/* What an operation tells its caller while it works. */
struct lab_hooks {
	/* vm NULL: about the whole lab. Called in order, never at once. */
	void	(*progress)(void *, const char *, const char *);
	void	 *arg;
	int	  flags;
};

enum lab_action { LAB_UP, LAB_DOWN, LAB_RESET, LAB_DESTROY };

/*
 * Compare the lab with the library: which VMs up makes, changes, starts.
 * A VM of the same name that is not the lab's is refused.
 */
int	 lab_plan(const struct library *, const struct lab *,
	     struct lab_plan *, char **);
void	 lab_plan_clear(struct lab_plan *);
/* How many VMs the plan does something to. */
size_t	 lab_plan_actions(const struct lab_plan *);
/* "create", "change", "start", "nothing". */
const char *lab_verb_name(enum lab_verb);

/*
 * Run an action on the lab of file: up, down (stop), reset (revert to
 * the baseline), destroy (delete the lab's VMs and its record). A signal
 * (Ctrl-C, SIGTERM from the desktop) stops it between steps; *cause then
 * says what was done. Every VM it makes is whole and named.
 */
int	 lab_run(const struct library *, const char *, enum lab_action,
	     const struct lab_hooks *, char **);
/* The file a lab was last brought up from. Caller frees. */
char	*lab_file_of(const struct library *, const char *, char **);
/* Names of the labs the library records, sorted. */
int	 lab_names(const struct library *, struct strv *, char **);
/* The VMs of the library whose lab is name, sorted. */
int	 lab_members(const struct library *, const char *, struct strv *,
	     char **);

#endif
