/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desktop: one poll() loop over the keyboard, each running VM's
 * monitor, background jobs, a signal self-pipe and a timer; screens on a
 * stack; handlers mark the screen dirty and the loop draws once per pass.
 */
#ifndef VMDESK_TUI_APP_H
#define VMDESK_TUI_APP_H

#include <sys/types.h>
#include <stdint.h>

#include "backend/qmp.h"
#include "backend/stats.h"
#include "backend/vmproc.h"
#include "core/library.h"
#include "core/libwatch.h"
#include "core/settings.h"
#include "ops/hostres.h"

struct app;
struct screen;

/* Lines of QMP traffic kept per VM for the under-the-hood view. */
#define APP_QMP_LOG	200

/* What a screen does; draw() paints it, key() handles a key. */
struct screen_ops {
	const char	*name;
	int		 keys;		/* KEYS_* of its bindings */
	int		 fullscreen;	/* hides the screens below it */
	void		(*draw)(struct app *, struct screen *);
	/* 1 when the key was used. */
	int		(*key)(struct app *, struct screen *, int);
	void		(*free)(struct screen *);
};

/*
 * A screen with a descriptor of its own (the VM screen's VNC session):
 * it joins the loop's poll(), and drawn() paints past ncurses after each
 * doupdate(). Such a screen on top also gets Ctrl-L.
 */
struct screen_io {
	int		(*fd)(struct screen *);
	/* Milliseconds until it wants ready() called anyway, or -1. */
	int		(*wait_ms)(struct screen *);
	/* Its descriptor's revents, or 0 after the timeout. */
	void		(*ready)(struct app *, struct screen *, int);
	void		(*drawn)(struct app *, struct screen *);
};

struct screen {
	const struct screen_ops	*ops;
	void			*data;
	const struct screen_io	*io;	/* NULL for most */
};

/* One VM as the desktop sees it. */
struct app_vm {
	char			*name;
	struct vm_def		*def;		/* NULL when vm.conf is broken */
	char			*error;		/* why it is broken */
	long long		 conf_mtime;
	struct vm_paths		 paths;
	struct vm_status	 st;
	struct vm_stats		*stats;
	struct qmp		*mon;		/* the desktop's monitor */
	uint64_t		 mon_retry;	/* when to try connecting again */
	int			 kvm;		/* of this QEMU: 1, 0, -1 unknown */
	char			*qmp_log[APP_QMP_LOG];	/* ring: the traffic */
	int			 qmp_log_next;
	char			*busy;		/* a job runs on it: its title */
	int			 marked;
	int			 seen;		/* still in the library */
	int			 changed;	/* its folders changed: look */
	int			 loaded;	/* def or error is vm.conf's */
	uint64_t		 next_probe;	/* a stopped VM: look again */
};

/* A background job: a child process reporting lines on a pipe. */
typedef int (*job_fn)(struct app *, void *, int, char **);
typedef void (*job_done_fn)(struct app *, int, const char *, void *);

struct job {
	pid_t		 pid;
	int		 fd;
	char		*title;
	char		*vm;		/* the VM it works on, or NULL */
	char		*progress;	/* its newest line */
	char		*result;	/* "ok ..." or "error ..." text */
	int		 ok;
	int		 done;
	int		 background;	/* the user sent it away */
	uint64_t	 started;
	job_done_fn	 on_done;
	void		*arg;
	char		 buf[512];
	size_t		 len;
};

struct app {
	struct library		*lib;
	struct settings		*settings;

	struct screen		*stack[16];
	int			 depth;
	int			 dirty;
	int			 quit;
	int			 sigpipe[2];

	struct app_vm		**vms;		/* sorted by name */
	size_t			 nvms;
	uint64_t		 next_tick;
	uint64_t		 next_scan;
	struct libwatch		*watch;		/* NULL: poll the library */
	int			 rescan;	/* VMs may have come or gone */
	int			 unloaded;	/* VMs whose vm.conf is unread */

	struct job		**jobs;
	size_t			 njobs;

	struct hostres		 host;		/* sampled on the tick */
	uint64_t		 next_host;	/* when to sample it again */

	char			*select;	/* a VM the list should select */
	char			*status;	/* a line for the status bar */
	uint64_t		 status_until;
	int			 status_error;

	int			 utf8;		/* else ASCII drawing */
	int			 colors;	/* 0 none, 8, 256 */
	int			 exit_after_first_frame;
	int			 view_only;	/* vmdesk view: one console */
	char			*view;		/* the VM it shows; it never
						   holds a desktop monitor */
};

/*
 * Run the desktop until the user quits, with a VM selected (may be NULL).
 * Returns the exit status.
 */
int		 app_run(struct library *, struct settings *, const char *);

/* Run the desktop showing one VM's screen only (vmdesk view). */
int		 app_run_view(struct library *, struct settings *,
		     const char *);

/* Push a screen on top; the app owns it from then on. */
void		 app_push(struct app *, struct screen *);
/* Pop and free the top screen. */
void		 app_pop(struct app *);
/* Whether a full-screen screen lies above this one: it is not seen. */
int		 app_covered(struct app *, struct screen *);
/* Make a screen from its ops and data. */
struct screen	*app_screen(const struct screen_ops *, void *);
/* Say something in the status bar for a few seconds. */
void		 app_say(struct app *, int, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
/* Show an error in a dialog. */
void		 app_error(struct app *, const char *, const char *);
/* Find a VM by name, or NULL. */
struct app_vm	*app_vm_find(struct app *, const char *);
/*
 * What a VM's memory graph shows: guest memory when the guest reports it,
 * else QEMU's RSS with a title that says so and why. vm->stats non-NULL.
 */
const struct stats_series *app_vm_mem_graph(const struct app_vm *,
		     const char **);
/* Open a VM's serial console screen (Ctrl-] leaves it). */
void		 app_console(struct app *, const char *);
/* Look at a VM's process and monitor again now. */
void		 app_vm_refresh(struct app *, struct app_vm *);
/* Look for VMs created or deleted elsewhere now. */
void		 app_rescan(struct app *);

/*
 * Start a job: fn runs in a child process and may write "progress TEXT"
 * lines to the descriptor it gets; done runs in the desktop when it ends
 * with ok and the text of its last line.
 */
struct job	*app_job(struct app *, const char *, const char *, job_fn,
		     job_done_fn, void *);
/* Ask a job to stop (SIGTERM). */
void		 app_job_cancel(struct job *);
/* Write a progress line from inside a job. */
void		 app_job_progress(int, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* The job running on a VM, or NULL. */
struct job	*app_job_for(struct app *, const char *);

#endif
