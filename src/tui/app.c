/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The desktop's loop: keyboard, monitors, jobs, signals, timer; one draw. */
#include "config.h"

#include "tui/app.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* Each QMP call from the loop waits at most this long: a frame or so. */
#define APP_QMP_TIMEOUT		150
/* A monitor that would not answer is tried again after this long. */
#define APP_MON_RETRY		10000
/* How often the library is scanned for VMs made elsewhere. */
#define APP_SCAN_INTERVAL	2000
/*
 * With inotify the library is read again when it changes; this is only
 * the safety net (lost events), and how often a stopped VM is probed.
 */
#define APP_WATCHED_INTERVAL	30000
#define APP_LOAD_BATCH		128	/* definitions read per loop turn */
/*
 * The host's figures on the title line: CPU use over this long. Each
 * sample redraws the screen, which an idle desktop should not do every
 * second (bench/scale.sh: 0.2% of a core with 1000 VMs).
 */
#define APP_HOST_INTERVAL	5000

static int	app_signal_fd = -1;

static void
app_signal(int sig)
{
	unsigned char	c = (unsigned char)sig;
	int		saved = errno;

	/* A full pipe already holds a wake-up. */
	if (app_signal_fd != -1 && write(app_signal_fd, &c, 1) == -1)
		errno = saved;
	errno = saved;
}

static void
app_restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

int
app_covered(struct app *app, struct screen *s)
{
	int	i;

	for (i = app->depth - 1; i >= 0 && app->stack[i] != s; i--) {
		if (app->stack[i]->ops->fullscreen)
			return (1);
	}
	return (0);
}

struct screen *
app_screen(const struct screen_ops *ops, void *data)
{
	struct screen	*s;

	s = xcalloc(1, sizeof *s);
	s->ops = ops;
	s->data = data;
	return (s);
}

void
app_push(struct app *app, struct screen *s)
{
	if (app->depth == (int)(sizeof app->stack / sizeof app->stack[0]))
		fatal("too many screens");
	app->stack[app->depth++] = s;
	app->dirty = 1;
}

void
app_pop(struct app *app)
{
	struct screen	*s;

	if (app->depth <= 1)
		return;
	s = app->stack[--app->depth];
	if (s->ops->free != NULL)
		s->ops->free(s);
	free(s);
	app->dirty = 1;
}

void
app_say(struct app *app, int error, const char *fmt, ...)
{
	va_list	ap;

	free(app->status);
	va_start(ap, fmt);
	app->status = xvasprintf(fmt, ap);
	va_end(ap);
	app->status_error = error;
	app->status_until = time_mono_ms() + 5000;
	app->dirty = 1;
}

void
app_error(struct app *app, const char *title, const char *text)
{
	app_push(app, dialog_message(title, text, 1));
}

/* ---- The VM model ------------------------------------------------------- */

/* A VM among the first n (sorted by name) of the list. */
static struct app_vm *
app_vm_search(struct app *app, const char *name, size_t n)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(app->vms[mid]->name, name)) == 0)
			return (app->vms[mid]);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

struct app_vm *
app_vm_find(struct app *app, const char *name)
{
	return (app_vm_search(app, name, app->nvms));
}

static int
app_vm_cmp(const void *a, const void *b)
{
	return (strcmp((*(struct app_vm *const *)a)->name,
	    (*(struct app_vm *const *)b)->name));
}

static void	app_vm_observe(struct app *, struct app_vm *, int);

static void
app_vm_close_monitor(struct app_vm *vm)
{
	if (vm->mon != NULL) {
		qmp_close(vm->mon);
		vm->mon = NULL;
	}
}

static void
app_vm_free(struct app_vm *vm)
{
	int	i;

	app_vm_close_monitor(vm);
	for (i = 0; i < APP_QMP_LOG; i++)
		free(vm->qmp_log[i]);
	free(vm->name);
	vmdef_free(vm->def);
	free(vm->error);
	vm_paths_clear(&vm->paths);
	vm_status_clear(&vm->st);
	stats_free(vm->stats);
	free(vm->busy);
	free(vm);
}

/* Read vm.conf again when it changed (or was never read). */
static void
app_vm_load(struct app *app, struct app_vm *vm)
{
	struct stat	 sb;
	char		*conf, *cause = NULL;
	long long	 mtime = 0;

	conf = library_vm_conf(app->lib, vm->name);
	if (stat(conf, &sb) == 0)
		mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL +
		    sb.st_mtim.tv_nsec;
	free(conf);
	if (vm->loaded && mtime == vm->conf_mtime)
		return;
	/* Watched from its first read: changes after it wake the loop. */
	if (!vm->loaded && app->watch != NULL &&
	    libwatch_add(app->watch, vm->name) != 0) {
		/* No more inotify watches: poll the library as before. */
		libwatch_free(app->watch);
		app->watch = NULL;
	}
	vm->loaded = 1;
	vm->conf_mtime = mtime;
	vmdef_free(vm->def);
	free(vm->error);
	vm->error = NULL;
	if ((vm->def = library_load(app->lib, vm->name, &cause)) == NULL)
		vm->error = cause;
	app->dirty = 1;
}

static struct app_vm *
app_vm_add(struct app *app, const char *name)
{
	struct app_vm	*vm;
	char		*vmdir, *run, *cause = NULL;

	vm = xcalloc(1, sizeof *vm);
	vm->name = xstrdup(name);
	vm->kvm = -1;
	vmdir = library_vm_dir(app->lib, name);
	run = library_run_dir(app->lib, name);
	if (vm_paths_init(&vm->paths, vmdir, run, &cause) != 0) {
		vm->error = cause;
		vm->paths.vmdir = xstrdup(vmdir);
		vm->paths.run = xstrdup(run);
	}
	free(vmdir);
	free(run);
	app->vms = xreallocarray(app->vms, app->nvms + 1, sizeof *app->vms);
	app->vms[app->nvms++] = vm;
	/* Its vm.conf is read soon, in list order: app_load_some(). */
	app->unloaded = 1;
	return (vm);
}

/*
 * Read up to max unread definitions, in list order: the rows a first
 * frame shows, then the rest a batch per turn of the loop, so that a
 * library of thousands opens at once. 1 while some are still unread.
 */
static int
app_load_some(struct app *app, size_t max)
{
	size_t	i, done = 0;

	for (i = 0; i < app->nvms && done < max; i++) {
		if (!app->vms[i]->loaded) {
			app_vm_load(app, app->vms[i]);
			done++;
		}
	}
	for (; i < app->nvms; i++) {
		if (!app->vms[i]->loaded)
			return (app->unloaded = 1);
	}
	return (app->unloaded = 0);
}

void
app_rescan(struct app *app)
{
	struct strv	 names;
	struct app_vm	*vm;
	char		*cause = NULL;
	size_t		 i, j, n;

	strv_init(&names);
	if (library_list(app->lib, &names, &cause) != 0) {
		app_say(app, 1, "%s", cause);
		free(cause);
		return;
	}
	for (i = 0; i < app->nvms; i++)
		app->vms[i]->seen = 0;
	/* New VMs go at the end, unsorted until the sort below. */
	n = app->nvms;
	for (i = 0; i < names.n; i++) {
		if ((vm = app_vm_search(app, names.v[i], n)) == NULL) {
			vm = app_vm_add(app, names.v[i]);
			app_vm_observe(app, vm, 0);
		} else if (vm->loaded)
			app_vm_load(app, vm);
		vm->seen = 1;
	}
	for (i = 0, j = 0; i < app->nvms; i++) {
		if (app->vms[i]->seen || app->vms[i]->busy != NULL)
			app->vms[j++] = app->vms[i];
		else {
			app_vm_free(app->vms[i]);
			app->dirty = 1;
		}
	}
	app->nvms = j;
	/* Sorted already unless a VM came: names come sorted, new at the end. */
	for (i = 1; i < app->nvms; i++) {
		if (app_vm_cmp(&app->vms[i - 1], &app->vms[i]) > 0) {
			qsort(app->vms, app->nvms, sizeof *app->vms,
			    app_vm_cmp);
			break;
		}
	}
	strv_clear(&names);
	app->rescan = 0;
	app->next_scan = time_mono_ms() + (app->watch != NULL ?
	    APP_WATCHED_INTERVAL : APP_SCAN_INTERVAL);
}

/* Every line on the desktop's monitor, for people learning QMP. */
static void
app_vm_trace(void *arg, int out, const char *line)
{
	struct app_vm	*vm = arg;
	char		*s;

	s = xasprintf("%s %s", out ? "->" : "<-", line);
	free(vm->qmp_log[vm->qmp_log_next]);
	vm->qmp_log[vm->qmp_log_next] = s;
	vm->qmp_log_next = (vm->qmp_log_next + 1) % APP_QMP_LOG;
}

/* The desktop's own monitor: events wake the loop, stats ride on it. */
static void
app_vm_connect(struct app *app, struct app_vm *vm)
{
	char	*cause = NULL;

	if (vm->mon != NULL || time_mono_ms() < vm->mon_retry ||
	    vm->paths.qmp == NULL)
		return;
	vm->mon = qmp_connect(vm->paths.qmp, APP_QMP_TIMEOUT, &cause);
	if (vm->mon != NULL)
		qmp_set_trace(vm->mon, app_vm_trace, vm);
	else {
		/* Another desktop may hold it: QEMU serves one client. */
		log_debug("desktop monitor %s: %s", vm->name, cause);
		free(cause);
		vm->mon_retry = time_mono_ms() + APP_MON_RETRY;
	}
}

/*
 * The monitor to ask about a VM: the desktop's own. vmdesk view leaves
 * that one to the desktop (QEMU serves one client per monitor: a view
 * holding it starves the desktop of events and balloon statistics) and
 * asks only about the VM it shows, on a short connection to the CLI
 * monitor that the caller closes.
 */
static struct qmp *
app_vm_monitor(struct app *app, struct app_vm *vm)
{
	struct qmp	*q;
	char		*cause = NULL;

	if (app->view == NULL) {
		app_vm_connect(app, vm);
		return (vm->mon);
	}
	if (strcmp(app->view, vm->name) != 0)
		return (NULL);
	if ((q = vmproc_monitor(&vm->paths, APP_QMP_TIMEOUT, &cause)) == NULL) {
		log_debug("monitor %s: %s", vm->name, cause);
		free(cause);
	}
	return (q);
}

const struct stats_series *
app_vm_mem_graph(const struct app_vm *vm, const char **title)
{
	const struct vm_stats	*st = vm->stats;

	if (st->guest_mem_known) {
		*title = "guest memory used";
		return (&st->guest_used_bytes);
	}
	/* Never a different quantity under the same words. */
	if (vm->mon == NULL)
		*title = "QEMU memory (RSS): guest memory unknown, the "
		    "monitor is busy";
	else
		*title = "QEMU memory (RSS): the guest does not report";
	return (&st->rss_bytes);
}

void
app_vm_refresh(struct app *app, struct app_vm *vm)
{
	app_vm_observe(app, vm, 1);
}

/*
 * Look at the process (the pidfile lock) and, with monitor, ask QEMU too.
 * Without it (the first frame) a live VM shows as running.
 */
static void
app_vm_observe(struct app *app, struct app_vm *vm, int monitor)
{
	struct vm_facts	 f;
	struct qmp	*mon = NULL;
	json_t		*r;
	const char	*s;
	char		*cause = NULL;
	enum vm_state	 was = vm->st.state;
	pid_t		 was_pid = vm->st.pid;

	if (vm->paths.pidfile == NULL)
		return;
	vm_status_clear(&vm->st);
	memset(&f, 0, sizeof f);
	vm->st.kvm = -1;
	f.pid = vmproc_pid(&vm->paths);
	f.pidfile = fs_exists(vm->paths.pidfile);
	f.powerdown = fs_exists(vm->paths.powerdown);
	if (f.pid > 0) {
		struct stat sb;

		vm->st.pid = f.pid;
		if (stat(vm->paths.pidfile, &sb) == 0)
			vm->st.started = (uint64_t)sb.st_mtime;
		if (was_pid != f.pid) {
			app_vm_close_monitor(vm);
			vm->kvm = -1;
		}
		if (monitor)
			mon = app_vm_monitor(app, vm);
	} else
		app_vm_close_monitor(vm);
	if (mon != NULL) {
		r = qmp_command(mon, "query-status", NULL, APP_QMP_TIMEOUT,
		    &cause);
		if (r != NULL && (s = json_string_value(json_object_get(r,
		    "status"))) != NULL) {
			vm->st.status = xstrdup(s);
			f.status = vm->st.status;
			f.monitor = 1;
		}
		json_decref(r);
		if (r == NULL) {
			free(cause);
			cause = NULL;
		}
	}
	if (f.monitor && vm->kvm == -1) {
		r = qmp_command(mon, "query-kvm", NULL, APP_QMP_TIMEOUT,
		    &cause);
		if (r != NULL)
			vm->kvm = json_is_true(json_object_get(r, "enabled"));
		else
			free(cause);
		json_decref(r);
	}
	if (mon != NULL && mon != vm->mon)
		qmp_close(mon);
	else if (mon != NULL && qmp_closed(mon))
		app_vm_close_monitor(vm);
	vm->st.state = vmstate_derive(&f);
	if (!vmstate_is_alive(vm->st.state) && vmstate_is_alive(was) &&
	    vm->stats != NULL)
		stats_mark_stopped(vm->stats);
	if (vm->st.state != was || vm->st.pid != was_pid)
		app->dirty = 1;
}

/* The host's memory, CPU use and disk free, for the title line. */
static void
app_tick_host(struct app *app, uint64_t now)
{
	char	*cause = NULL;

	if (now < app->next_host)
		return;
	app->next_host = now + APP_HOST_INTERVAL;
	if (hostres_sample(&app->host, "/proc", app->lib->home,
	    &cause) != 0) {
		log_debug("host: %s", cause);
		free(cause);
	}
	app->dirty = 1;
}

/* Once a second: state and statistics of every VM, and the host's. */
static void
app_tick(struct app *app)
{
	struct app_vm	*vm;
	uint64_t	 now = time_mono_ms();
	char		*cause = NULL;
	size_t		 i;

	if (now >= app->next_scan || app->rescan)
		app_rescan(app);
	app_tick_host(app, now);
	for (i = 0; i < app->nvms; i++) {
		vm = app->vms[i];
		/*
		 * A stopped VM is looked at when its folders change (with
		 * inotify), else every tick; a live one every tick.
		 */
		if (app->watch != NULL && !vm->changed &&
		    now < vm->next_probe && !vmstate_is_alive(vm->st.state) &&
		    vm->mon == NULL)
			continue;
		if (vm->changed)
			app_vm_load(app, vm);
		vm->changed = 0;
		vm->next_probe = now + APP_WATCHED_INTERVAL;
		app_vm_refresh(app, vm);
		if (!vmstate_is_alive(vm->st.state))
			continue;
		/* Ten minutes of samples, kept only for VMs that ran. */
		if (vm->stats == NULL)
			vm->stats = stats_create(0);
		if (stats_sample_proc(vm->stats, vm->st.pid, now, &cause) != 0) {
			free(cause);
			cause = NULL;
		}
		if (vm->mon != NULL && stats_sample_qmp(vm->stats, vm->mon, now,
		    APP_QMP_TIMEOUT, &cause) != 0) {
			log_debug("stats %s: %s", vm->name, cause);
			free(cause);
			cause = NULL;
			if (qmp_closed(vm->mon))
				app_vm_close_monitor(vm);
		}
		app->dirty = 1;
	}
	app->next_tick = now + (uint64_t)app->settings->refresh;
}

/* A monitor has something: events change the state, so look again. */
static void
app_monitor_input(struct app *app, struct app_vm *vm)
{
	json_t	*ev;
	char	*cause = NULL;
	int	 changed = 0;

	if (qmp_read(vm->mon, &cause) != 0) {
		free(cause);
		app_vm_close_monitor(vm);
		changed = 1;
	} else {
		while ((ev = qmp_next_event(vm->mon)) != NULL) {
			if (qmp_event_kind(ev) != QMP_EV_OTHER)
				changed = 1;
			json_decref(ev);
		}
	}
	if (changed)
		app_vm_refresh(app, vm);
}

void
app_console(struct app *app, const char *name)
{
	struct app_vm	*vm;

	if ((vm = app_vm_find(app, name)) == NULL)
		return;
	app_vm_refresh(app, vm);
	if (!vmstate_is_alive(vm->st.state)) {
		app_say(app, 1, "%s is %s: start it first (F4)", vm->name,
		    vmstate_name(vm->st.state));
		return;
	}
	app_push(app, screen_serial(app, vm->name));
	app->dirty = 1;
}

/* ---- Jobs ---------------------------------------------------------------- */

void
app_job_progress(int fd, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *line;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	line = xasprintf("progress %s\n", s);
	/* The desktop went away: the job's result no longer matters. */
	if (write(fd, line, strlen(line)) == -1)
		errno = 0;
	free(line);
	free(s);
}

struct job *
app_job_for(struct app *app, const char *vm)
{
	size_t	i;

	for (i = 0; i < app->njobs; i++) {
		if (app->jobs[i]->vm != NULL && strcmp(app->jobs[i]->vm,
		    vm) == 0)
			return (app->jobs[i]);
	}
	return (NULL);
}

struct job *
app_job(struct app *app, const char *title, const char *vmname, job_fn fn,
    job_done_fn done, void *arg)
{
	struct job	*job;
	struct app_vm	*vm;
	char		*cause = NULL, *line;
	int		 fds[2], rc, devnull;
	pid_t		 pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		fatal("pipe: %s", strerror(errno));
	if ((pid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		/*
		 * The child: no curses, no exit handlers, one line back on
		 * the pipe; nothing it runs may write on the desktop.
		 */
		close(fds[0]);
		if ((devnull = open("/dev/null", O_RDWR|O_CLOEXEC)) != -1) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_IGN);
		rc = fn(app, arg, fds[1], &cause);
		line = rc == 0 ? xasprintf("ok %s\n", cause != NULL ? cause :
		    "") : xasprintf("error %s\n", cause != NULL ? cause :
		    "failed");
		if (write(fds[1], line, strlen(line)) == -1)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	job = xcalloc(1, sizeof *job);
	job->pid = pid;
	job->fd = fds[0];
	job->title = xstrdup(title);
	job->vm = vmname != NULL ? xstrdup(vmname) : NULL;
	job->started = time_mono_ms();
	job->on_done = done;
	job->arg = arg;
	app->jobs = xreallocarray(app->jobs, app->njobs + 1,
	    sizeof *app->jobs);
	app->jobs[app->njobs++] = job;
	if (vmname != NULL && (vm = app_vm_find(app, vmname)) != NULL) {
		free(vm->busy);
		vm->busy = xstrdup(title);
	}
	app->dirty = 1;
	return (job);
}

void
app_job_cancel(struct job *job)
{
	if (!job->done)
		kill(job->pid, SIGTERM);
}

/* A finished job's progress dialog goes, wherever it is on the stack. */
static void
app_remove_job_dialogs(struct app *app, struct job *job)
{
	struct screen	*s;
	int		 i, j;

	for (i = app->depth - 1; i > 0; i--) {
		s = app->stack[i];
		if (!dialog_job_is(s, job))
			continue;
		for (j = i; j < app->depth - 1; j++)
			app->stack[j] = app->stack[j + 1];
		app->depth--;
		s->ops->free(s);
		free(s);
	}
}

/* Take complete lines from a job's pipe. */
static void
app_job_lines(struct job *job)
{
	char	*nl;

	while ((nl = memchr(job->buf, '\n', job->len)) != NULL) {
		*nl = '\0';
		if (strncmp(job->buf, "progress ", 9) == 0) {
			free(job->progress);
			job->progress = xstrdup(job->buf + 9);
		} else if (strncmp(job->buf, "ok ", 3) == 0) {
			job->ok = 1;
			free(job->result);
			job->result = xstrdup(job->buf + 3);
		} else if (strncmp(job->buf, "error ", 6) == 0) {
			job->ok = 0;
			free(job->result);
			job->result = xstrdup(job->buf + 6);
		}
		job->len -= (size_t)(nl + 1 - job->buf);
		memmove(job->buf, nl + 1, job->len);
	}
	if (job->len == sizeof job->buf)
		job->len = 0;	/* an overlong line: drop it */
}

static void
app_job_finish(struct app *app, size_t idx)
{
	struct job	*job = app->jobs[idx];
	struct app_vm	*vm;
	int		 status;

	close(job->fd);
	while (waitpid(job->pid, &status, 0) == -1 && errno == EINTR)
		;
	job->done = 1;
	if (job->result == NULL) {
		job->ok = 0;
		job->result = WIFSIGNALED(status) && WTERMSIG(status) ==
		    SIGTERM ? xstrdup("cancelled") :
		    xstrdup("the job ended without a word");
	}
	memmove(app->jobs + idx, app->jobs + idx + 1,
	    (app->njobs - idx - 1) * sizeof *app->jobs);
	app->njobs--;
	app_remove_job_dialogs(app, job);
	if (job->vm != NULL && (vm = app_vm_find(app, job->vm)) != NULL) {
		free(vm->busy);
		vm->busy = NULL;
	}
	app_rescan(app);
	if (job->vm != NULL && (vm = app_vm_find(app, job->vm)) != NULL)
		app_vm_refresh(app, vm);
	if (job->on_done != NULL)
		job->on_done(app, job->ok, job->result, job->arg);
	else if (!job->ok)
		app_error(app, job->title, job->result);
	else
		app_say(app, 0, "%s: done%s%s", job->title,
		    *job->result != '\0' ? ": " : "", job->result);
	free(job->title);
	free(job->vm);
	free(job->progress);
	free(job->result);
	free(job);
	app->dirty = 1;
}

static void
app_job_input(struct app *app, size_t idx)
{
	struct job	*job = app->jobs[idx];
	ssize_t		 n;

	n = read(job->fd, job->buf + job->len, sizeof job->buf - job->len);
	if (n > 0) {
		job->len += (size_t)n;
		app_job_lines(job);
		app->dirty = 1;
		return;
	}
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	app_job_finish(app, idx);
}

/* ---- Drawing and input --------------------------------------------------- */

static void
app_draw(struct app *app)
{
	int	i;

	erase();
	/* Only from the topmost full-screen screen up: dialogs overlay it. */
	for (i = app->depth - 1; i > 0; i--) {
		if (app->stack[i]->ops->fullscreen)
			break;
	}
	for (; i < app->depth; i++)
		app->stack[i]->ops->draw(app, app->stack[i]);
	draw_status(app);
	wnoutrefresh(stdscr);
	doupdate();
	for (i = 0; i < app->depth; i++) {
		if (app->stack[i]->io != NULL)
			app->stack[i]->io->drawn(app, app->stack[i]);
	}
	app->dirty = 0;
}

static void
app_key(struct app *app, int key)
{
	struct screen	*top = app->stack[app->depth - 1];

	if (key == KEY_RESIZE || (key == ('l' & 0x1f) && top->io == NULL)) {
		if (key != KEY_RESIZE)
			clearok(curscr, TRUE);
		app->dirty = 1;
		return;
	}
	if (top->ops->key(app, top, key))
		app->dirty = 1;
}

static void
app_init_curses(struct app *app)
{
	const char	*cs;

	cs = nl_langinfo(CODESET);
	app->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* A lone Esc must not wait a second for a sequence. */
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED|BUTTON1_PRESSED|BUTTON4_PRESSED|
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	app->colors = draw_init_colors(app->settings);
}

static void
app_free(struct app *app)
{
	size_t	i;

	while (app->depth > 0) {
		struct screen *s = app->stack[--app->depth];

		if (s->ops->free != NULL)
			s->ops->free(s);
		free(s);
	}
	for (i = 0; i < app->njobs; i++) {
		app_job_cancel(app->jobs[i]);
		close(app->jobs[i]->fd);
		free(app->jobs[i]->title);
		free(app->jobs[i]->vm);
		free(app->jobs[i]->progress);
		free(app->jobs[i]->result);
		free(app->jobs[i]);
	}
	free(app->jobs);
	for (i = 0; i < app->nvms; i++)
		app_vm_free(app->vms[i]);
	libwatch_free(app->watch);
	free(app->vms);
	free(app->status);
	free(app->select);
	free(app->view);
	close(app->sigpipe[0]);
	close(app->sigpipe[1]);
}

static int	app_main(struct library *, struct settings *, const char *,
		    int);

int
app_run(struct library *lib, struct settings *set, const char *select)
{
	return (app_main(lib, set, select, 0));
}

int
app_run_view(struct library *lib, struct settings *set, const char *name)
{
	return (app_main(lib, set, name, 1));
}

/* The library changed: mark what to look at on the next tick, now. */
static void
app_watch_input(struct app *app)
{
	struct strv	 names;
	struct app_vm	*vm;
	size_t		 i;

	strv_init(&names);
	if (libwatch_read(app->watch, &names))
		app->rescan = 1;
	for (i = 0; i < names.n; i++) {
		if ((vm = app_vm_find(app, names.v[i])) == NULL) {
			app->rescan = 1;
			continue;
		}
		vm->changed = 1;
		/* Its runtime folder may be new: watch it too. */
		if (libwatch_add(app->watch, vm->name) != 0) {
			libwatch_free(app->watch);
			app->watch = NULL;
			break;
		}
	}
	strv_clear(&names);
	app->next_tick = time_mono_ms();
}

/* The descriptors and timeouts of screens with their own I/O. */
static size_t
app_io_poll(struct app *app, struct pollfd *pfd, int *timeout)
{
	struct screen	*s;
	size_t		 n = 0;
	int		 i, t;

	for (i = 0; i < app->depth; i++) {
		s = app->stack[i];
		if (s->io == NULL)
			continue;
		pfd[n].fd = s->io->fd(s);
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
		t = s->io->wait_ms(s);
		if (t >= 0 && t < *timeout)
			*timeout = t;
	}
	return (n);
}

/* Hand each I/O screen its revents (a screen may have gone meanwhile). */
static void
app_io_ready(struct app *app, struct pollfd *pfd, size_t n)
{
	struct screen	*s;
	size_t		 k = 0;
	int		 i;

	for (i = 0; i < app->depth && k < n; i++) {
		s = app->stack[i];
		if (s->io == NULL)
			continue;
		if (s->io->fd(s) == pfd[k].fd)
			s->io->ready(app, s, pfd[k].revents);
		else
			s->io->ready(app, s, 0);
		k++;
	}
}

static int
app_main(struct library *lib, struct settings *set, const char *select,
    int view)
{
	struct app		 app;
	struct sigaction	 sa;
	struct pollfd		*pfd = NULL;
	struct app_vm		*vm;
	unsigned char		 sig;
	uint64_t		 now;
	char			*cause = NULL;
	size_t			 n, i, nmon, nio;
	int			 key, timeout, first = 1;

	memset(&app, 0, sizeof app);
	app.lib = lib;
	app.settings = set;
	if (select != NULL)
		app.select = xstrdup(select);
	app.exit_after_first_frame = getenv("VMDESK_EXIT_AFTER_FIRST_FRAME") !=
	    NULL;
	if (pipe2(app.sigpipe, O_CLOEXEC|O_NONBLOCK) != 0)
		fatal("pipe: %s", strerror(errno));
	app_signal_fd = app.sigpipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = app_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fatal_set_hook(app_restore_terminal);

	app_init_curses(&app);
	app_push(&app, screen_main(&app));
	/* Without inotify the library is read every 2 s, as before. */
	if ((app.watch = libwatch_open(lib, &cause)) == NULL)
		free(cause);
	/* The first frame asks no monitor: the pidfile locks tell enough. */
	app_rescan(&app);
	app_load_some(&app, LINES > 0 ? (size_t)LINES : 64);
	/* Two small /proc files and a statvfs: the title has figures. */
	app_tick_host(&app, time_mono_ms());
	/* CPU use needs a second sample: soon, then every interval. */
	app.next_host = time_mono_ms() + (uint64_t)set->refresh;
	if (view) {
		app.view_only = 1;
		app.view = xstrdup(select);
		app_push(&app, screen_console(&app, select));
	}
	app.dirty = 1;

	while (!app.quit) {
		if (app.dirty) {
			app_draw(&app);
			if (first && app.exit_after_first_frame)
				break;
			first = 0;
		}
		n = 2 + app.nvms + app.njobs;
		pfd = xreallocarray(pfd, n + (size_t)app.depth + 1,
		    sizeof *pfd);
		pfd[0].fd = STDIN_FILENO;
		pfd[1].fd = app.sigpipe[0];
		pfd[0].events = pfd[1].events = POLLIN;
		for (i = 0, nmon = 0; i < app.nvms; i++) {
			vm = app.vms[i];
			pfd[2 + i].fd = vm->mon != NULL ? qmp_fd(vm->mon) : -1;
			pfd[2 + i].events = POLLIN;
			nmon++;
		}
		for (i = 0; i < app.njobs; i++) {
			pfd[2 + nmon + i].fd = app.jobs[i]->fd;
			pfd[2 + nmon + i].events = POLLIN;
		}
		now = time_mono_ms();
		timeout = app.next_tick > now ? (int)(app.next_tick - now) : 0;
		/* Unread definitions: a batch now, the next without waiting. */
		if (app.unloaded && app_load_some(&app, APP_LOAD_BATCH))
			timeout = 0;
		/* A running job's dialog shows time passing. */
		if (app.njobs > 0 && timeout > 250)
			timeout = 250;
		if (app.status != NULL && app.status_until > now &&
		    (int)(app.status_until - now) < timeout)
			timeout = (int)(app.status_until - now) + 1;
		nio = app_io_poll(&app, pfd + n, &timeout);
		pfd[n + nio].fd = app.watch != NULL ?
		    libwatch_fd(app.watch) : -1;
		pfd[n + nio].events = POLLIN;
		pfd[n + nio].revents = 0;
		if (poll(pfd, n + nio + 1, timeout) == -1 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		app_io_ready(&app, pfd + n, nio);
		if (pfd[n + nio].revents & POLLIN)
			app_watch_input(&app);

		if (pfd[1].revents & POLLIN) {
			while (read(app.sigpipe[0], &sig, 1) == 1)
				app.quit = 1;
		}
		/* Also after EINTR: a resize arrives as KEY_RESIZE. */
		while ((key = getch()) != ERR)
			app_key(&app, key);
		/* A key may have changed the list: match monitors by fd. */
		for (i = 0; i < nmon && i < app.nvms; i++) {
			vm = app.vms[i];
			if (pfd[2 + i].fd != -1 && vm->mon != NULL &&
			    qmp_fd(vm->mon) == pfd[2 + i].fd &&
			    (pfd[2 + i].revents & (POLLIN|POLLHUP|POLLERR)))
				app_monitor_input(&app, vm);
		}
		for (i = app.njobs; i > 0; i--) {
			if (2 + nmon + i - 1 < n && (pfd[2 + nmon + i - 1].revents &
			    (POLLIN|POLLHUP|POLLERR)))
				app_job_input(&app, i - 1);
		}
		now = time_mono_ms();
		if (now >= app.next_tick)
			app_tick(&app);
		if (app.status != NULL && now >= app.status_until) {
			free(app.status);
			app.status = NULL;
			app.dirty = 1;
		}
		if (app.njobs > 0)
			app.dirty = 1;
	}
	free(pfd);
	endwin();
	app_free(&app);
	app_signal_fd = -1;
	return (0);
}
