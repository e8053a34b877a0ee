/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for backend/qmp: a scripted fake monitor in a child, and real QEMU. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "backend/qmp.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* What the fake monitor does, step by step. */
enum fake_op {
	F_SEND,		/* text and "\r\n" in one write; %ID% is the last id */
	F_RAW,		/* text as is, in one write */
	F_BYTES,	/* text as is, one byte per write */
	F_EXPECT,	/* read command text, holding want, >= n bytes long */
	F_SLEEP,	/* n ms */
	F_CLOSE		/* close now (unread input makes it a reset) */
};

struct fake_step {
	enum fake_op	 op;
	const char	*text;
	const char	*want;
	size_t		 n;
};

#define GREETING \
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, " \
	"\"major\": 7}, \"package\": \"Debian 1:7.2\"}, " \
	"\"capabilities\": [\"oob\"]}}"
#define OK_REPLY "{\"return\": {}, \"id\": %ID%}"
#define HANDSHAKE \
	{ F_SEND, GREETING, NULL, 0 }, \
	{ F_EXPECT, "qmp_capabilities", NULL, 0 }, \
	{ F_SEND, OK_REPLY, NULL, 0 }
#define EVENT(name) \
	"{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 1}, " \
	"\"event\": \"" name "\"}"
#define NSTEPS(a) (sizeof (a) / sizeof (a)[0])

/* Exit codes of the fake monitor. */
#define FAKE_OK		0
#define FAKE_MISMATCH	2
#define FAKE_EXTRA	3
#define FAKE_IO		4

struct fake_conn {
	int	 fd;
	char	*buf;
	size_t	 len;
	size_t	 size;
	char	 id[32];
};

/* Per-test state: whatever teardown must clean up after a failure. */
struct fixture {
	pid_t		 pid;		/* the fake monitor or QEMU */
	struct qmp	*q;
	char		 dir[64];
};

/* Read a line (without CR/LF): 1, 0 at EOF, -1 on error. */
static int
fake_readline(struct fake_conn *c, char **line)
{
	char	*nl;
	size_t	 n;
	ssize_t	 r;

	for (;;) {
		if (c->len > 0 && (nl = memchr(c->buf, '\n', c->len)) != NULL) {
			n = (size_t)(nl - c->buf);
			*line = xstrndup(c->buf, n);
			if (n > 0 && (*line)[n - 1] == '\r')
				(*line)[n - 1] = '\0';
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return (1);
		}
		if (c->size - c->len < 4096) {
			c->size = c->size == 0 ? 8192 : c->size * 2;
			c->buf = xrealloc(c->buf, c->size);
		}
		r = read(c->fd, c->buf + c->len, c->size - c->len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return (-1);
		if (r == 0)
			return (0);
		c->len += (size_t)r;
	}
}

static int
fake_write(int fd, const char *data, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = send(fd, data, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		data += n;
		len -= (size_t)n;
	}
	return (0);
}

/* The text of a step with %ID% replaced and, for F_SEND, CR/LF added. */
static char *
fake_text(const struct fake_step *s, const char *id)
{
	const char	*p, *at;
	char		*out, *tmp;

	out = xstrdup("");
	for (p = s->text; (at = strstr(p, "%ID%")) != NULL; p = at + 4) {
		tmp = xasprintf("%s%.*s%s", out, (int)(at - p), p, id);
		free(out);
		out = tmp;
	}
	tmp = xasprintf("%s%s%s", out, p, s->op == F_SEND ? "\r\n" : "");
	free(out);
	return (tmp);
}

/* Check a command line against an F_EXPECT step and remember its id. */
static int
fake_check(struct fake_conn *c, const struct fake_step *s, const char *line)
{
	json_t		*cmd, *id;
	const char	*name;
	int		 ok;

	if ((cmd = json_loads(line, 0, NULL)) == NULL)
		return (0);
	name = json_string_value(json_object_get(cmd, "execute"));
	id = json_object_get(cmd, "id");
	ok = name != NULL && strcmp(name, s->text) == 0 &&
	    json_is_integer(id) && strlen(line) >= s->n &&
	    (s->want == NULL || strstr(line, s->want) != NULL);
	if (ok)
		snprintf(c->id, sizeof c->id, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(id));
	json_decref(cmd);
	return (ok);
}

/* Run a script on fd; then nothing more may come before EOF. */
static int
fake_run(int fd, const struct fake_step *steps, size_t nsteps)
{
	struct fake_conn	 c;
	const struct fake_step	*s;
	char			*text, *line;
	size_t			 i, j;
	int			 r, status = FAKE_OK;

	memset(&c, 0, sizeof c);
	c.fd = fd;
	for (i = 0; i < nsteps && status == FAKE_OK; i++) {
		s = &steps[i];
		switch (s->op) {
		case F_SEND:
		case F_RAW:
			text = fake_text(s, c.id);
			if (fake_write(fd, text, strlen(text)) != 0)
				status = FAKE_IO;
			free(text);
			break;
		case F_BYTES:
			text = fake_text(s, c.id);
			for (j = 0; text[j] != '\0'; j++) {
				if (fake_write(fd, text + j, 1) != 0) {
					status = FAKE_IO;
					break;
				}
				time_sleep_ms(1);
			}
			free(text);
			break;
		case F_EXPECT:
			if ((r = fake_readline(&c, &line)) != 1) {
				status = r == 0 ? FAKE_MISMATCH : FAKE_IO;
				break;
			}
			if (!fake_check(&c, s, line))
				status = FAKE_MISMATCH;
			free(line);
			break;
		case F_SLEEP:
			time_sleep_ms((unsigned int)s->n);
			break;
		case F_CLOSE:
			free(c.buf);
			close(fd);
			return (FAKE_OK);
		}
	}
	if (status == FAKE_OK) {
		if ((r = fake_readline(&c, &line)) == 1) {
			free(line);
			status = FAKE_EXTRA;
		} else if (r == -1 && errno != ECONNRESET)
			status = FAKE_IO;
	}
	free(c.buf);
	close(fd);
	return (status);
}

/* Fork a fake monitor on one end of a socketpair; return the other end. */
static int
fake_start(struct fixture *f, const struct fake_step *steps, size_t nsteps)
{
	int	sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, sv),
	    0);
	f->pid = fork();
	assert_true(f->pid != -1);
	if (f->pid == 0) {
		close(sv[0]);
		alarm(20);
		_exit(fake_run(sv[1], steps, nsteps));
	}
	close(sv[1]);
	return (sv[0]);
}

/* Start a fake monitor and connect to it over the socketpair. */
static struct qmp *
fake_open(struct fixture *f, const struct fake_step *steps, size_t nsteps)
{
	char	*cause = NULL;

	f->q = qmp_open_fd(fake_start(f, steps, nsteps), 2000, &cause);
	if (f->q == NULL)
		fail_msg("qmp_open_fd: %s", cause);
	assert_null(cause);
	return (f->q);
}

/* Close the client, then check that the fake monitor saw its script. */
static void
fake_finish(struct fixture *f)
{
	int	status;

	qmp_close(f->q);
	f->q = NULL;
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	f->pid = 0;
	if (!WIFEXITED(status))
		fail_msg("fake monitor killed by signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), FAKE_OK);
}

static int
setup(void **state)
{
	*state = xcalloc(1, sizeof (struct fixture));
	return (0);
}

static void
remove_dir(const char *dir)
{
	char	*path;

	if (*dir == '\0')
		return;
	path = xasprintf("%s/q.sock", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/q.pid", dir);
	unlink(path);
	free(path);
	rmdir(dir);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	qmp_close(f->q);
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	remove_dir(f->dir);
	free(f);
	return (0);
}

static void
make_dir(struct fixture *f)
{
	strcpy(f->dir, "/tmp/vmdesk-qmp-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
}

/* A listening socket at dir/q.sock. */
static int
make_listener(struct fixture *f, char **pathp)
{
	struct sockaddr_un	sa;
	int			fd;

	make_dir(f);
	*pathp = xasprintf("%s/q.sock", f->dir);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, *pathp);
	fd = socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0);
	assert_true(fd != -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	return (fd);
}

static void
assert_event(json_t *event, const char *name, enum qmp_event kind)
{
	assert_non_null(event);
	assert_string_equal(json_string_value(json_object_get(event, "event")),
	    name);
	assert_int_equal(qmp_event_kind(event), kind);
	json_decref(event);
}

static void
test_qmp_handshake(void **state)
{
	static const struct fake_step	 steps[] = { HANDSHAKE };
	struct fixture			*f = *state;
	struct qmp			*q;

	q = fake_open(f, steps, NSTEPS(steps));
	assert_true(qmp_fd(q) >= 0);
	assert_int_equal(qmp_closed(q), 0);
	assert_null(qmp_next_event(q));
	fake_finish(f);
}

static void
test_qmp_connect_handshake(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_SEND, "{\"return\": {\"status\": \"running\"}, "
		    "\"id\": %ID%}", NULL, 0 }
	};
	struct fixture			*f = *state;
	json_t				*v;
	char				*path, *cause = NULL;
	int				 lfd, cfd;

	lfd = make_listener(f, &path);
	f->pid = fork();
	assert_true(f->pid != -1);
	if (f->pid == 0) {
		alarm(20);
		if ((cfd = accept(lfd, NULL, NULL)) == -1)
			_exit(FAKE_IO);
		close(lfd);
		_exit(fake_run(cfd, steps, NSTEPS(steps)));
	}
	close(lfd);
	f->q = qmp_connect(path, 2000, &cause);
	free(path);
	if (f->q == NULL)
		fail_msg("qmp_connect: %s", cause);
	v = qmp_command(f->q, "query-status", NULL, 2000, &cause);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "status")),
	    "running");
	json_decref(v);
	fake_finish(f);
}

static void
test_qmp_connect_errors(void **state)
{
	struct fixture		*f = *state;
	struct sockaddr_un	 sa;
	char			*path, *want, *cause = NULL;
	int			 fd;

	make_dir(f);
	path = xasprintf("%s/q.sock", f->dir);

	assert_null(qmp_connect(path, 1000, &cause));
	want = xasprintf("QMP socket %s: No such file or directory", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	cause = NULL;

	/* A socket file nobody listens on, as after a QEMU was killed. */
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
	assert_null(qmp_connect(path, 1000, &cause));
	want = xasprintf("QMP socket %s: Connection refused", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);
}

static void
test_qmp_connect_no_greeting(void **state)
{
	struct fixture	*f = *state;
	char		*path, *cause = NULL;
	uint64_t	 t0, dt;
	int		 lfd;

	/* Connected in the backlog, but nobody ever greets. */
	lfd = make_listener(f, &path);
	t0 = time_mono_ms();
	f->q = qmp_connect(path, 300, &cause);
	dt = time_mono_ms() - t0;
	free(path);
	close(lfd);
	assert_null(f->q);
	assert_string_equal(cause, "QMP: no greeting within 300 ms");
	assert_true(dt >= 290 && dt < 2000);
	free(cause);
}

static void
test_qmp_greeting_required(void **state)
{
	static const struct fake_step	 reply_first[] = {
		{ F_SEND, "{\"return\": {}}", NULL, 0 }
	};
	static const struct fake_step	 closes[] = {
		{ F_CLOSE, NULL, NULL, 0 }
	};
	struct fixture			*f = *state;
	char				*cause = NULL;
	int				 status;

	f->q = qmp_open_fd(fake_start(f, reply_first, 1), 2000, &cause);
	assert_null(f->q);
	assert_string_equal(cause,
	    "QMP: the monitor did not start with a greeting");
	free(cause);
	cause = NULL;
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	f->pid = 0;

	f->q = qmp_open_fd(fake_start(f, closes, 1), 2000, &cause);
	assert_null(f->q);
	assert_string_equal(cause, "QMP: monitor closed before its greeting");
	free(cause);
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	f->pid = 0;
}

static void
test_qmp_command_reply(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_SEND, "{\"return\": {\"status\": \"paused\", "
		    "\"running\": false}, \"id\": %ID%}", NULL, 0 },
		{ F_EXPECT, "device_del", "\"arguments\":{\"id\":\"net0\"}",
		    0 },
		{ F_SEND, OK_REPLY, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	json_t				*v;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	v = qmp_command(q, "query-status", NULL, 2000, &cause);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "status")),
	    "paused");
	assert_true(json_is_false(json_object_get(v, "running")));
	json_decref(v);

	v = qmp_command(q, "device_del", json_pack("{s:s}", "id", "net0"),
	    2000, &cause);
	assert_non_null(v);
	assert_true(json_is_object(v) && json_object_size(v) == 0);
	json_decref(v);
	assert_null(cause);
	fake_finish(f);
}

/* QEMU writes UINT64_MAX for an unknown balloon statistic. */
static void
test_qmp_uint64_max(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "qom-get", NULL, 0 },
		{ F_SEND, "{\"return\": {\"stats\": {\"stat-free-memory\": "
		    "18446744073709551615, \"stat-total-memory\": 213389312}, "
		    "\"last-update\": 0}, \"id\": %ID%}", NULL, 0 },
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	json_t				*v, *st;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	v = qmp_command(q, "qom-get", NULL, 2000, &cause);
	if (v == NULL)
		fail_msg("%s", cause);
	st = json_object_get(v, "stats");
	assert_true(json_is_integer(json_object_get(st,
	    "stat-total-memory")));
	assert_int_equal(json_integer_value(json_object_get(st,
	    "stat-total-memory")), 213389312);
	assert_true(json_is_real(json_object_get(st, "stat-free-memory")));
	assert_true(json_real_value(json_object_get(st,
	    "stat-free-memory")) > 1.8e19);
	assert_true(json_is_integer(json_object_get(v, "last-update")));
	json_decref(v);
	/* The id matched, and the next command still pairs with its reply. */
	v = qmp_command(q, "query-status", NULL, 2000, &cause);
	assert_non_null(v);
	json_decref(v);
	fake_finish(f);
}

static void
test_qmp_error_reply(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "device_del", NULL, 0 },
		{ F_SEND, "{\"error\": {\"class\": \"DeviceNotFound\", "
		    "\"desc\": \"Device 'nope' not found\"}, \"id\": %ID%}",
		    NULL, 0 },
		{ F_EXPECT, "cont", NULL, 0 },
		{ F_SEND, "{\"error\": {\"class\": \"GenericError\"}, "
		    "\"id\": %ID%}", NULL, 0 },
		{ F_EXPECT, "stop", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	json_t				*v;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	v = qmp_command(q, "device_del", json_pack("{s:s}", "id", "nope"),
	    2000, &cause);
	assert_null(v);
	assert_string_equal(cause, "Device 'nope' not found");
	free(cause);
	cause = NULL;

	assert_null(qmp_command(q, "cont", NULL, 2000, &cause));
	assert_string_equal(cause, "QMP: cont failed (GenericError)");
	free(cause);
	cause = NULL;

	v = qmp_command(q, "stop", NULL, 2000, &cause);
	assert_non_null(v);
	json_decref(v);
	assert_int_equal(qmp_closed(q), 0);
	fake_finish(f);
}

static void
test_qmp_events_before_reply_queued(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "cont", NULL, 0 },
		{ F_SEND, EVENT("STOP"), NULL, 0 },
		{ F_SLEEP, NULL, NULL, 20 },
		{ F_SEND, EVENT("RESUME"), NULL, 0 },
		{ F_SEND, EVENT("NIC_RX_FILTER_CHANGED"), NULL, 0 },
		{ F_SLEEP, NULL, NULL, 20 },
		{ F_SEND, OK_REPLY, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	json_t				*v;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	v = qmp_command(q, "cont", NULL, 2000, &cause);
	assert_non_null(v);
	json_decref(v);
	assert_event(qmp_next_event(q), "STOP", QMP_EV_STOP);
	assert_event(qmp_next_event(q), "RESUME", QMP_EV_RESUME);
	assert_event(qmp_next_event(q), "NIC_RX_FILTER_CHANGED",
	    QMP_EV_OTHER);
	assert_null(qmp_next_event(q));
	fake_finish(f);
}

static void
test_qmp_reply_matched_by_id(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_SEND, "{\"return\": {\"stale\": true}, \"id\": 999}", NULL,
		    0 },
		{ F_SEND, "{\"return\": {\"stale\": false}, \"id\": %ID%}",
		    NULL, 0 }
	};
	struct fixture			*f = *state;
	json_t				*v;
	char				*cause = NULL;

	v = qmp_command(fake_open(f, steps, NSTEPS(steps)), "query-status",
	    NULL, 2000, &cause);
	assert_non_null(v);
	assert_true(json_is_false(json_object_get(v, "stale")));
	json_decref(v);
	fake_finish(f);
}

static void
test_qmp_reply_split_bytes(void **state)
{
	static const struct fake_step	 steps[] = {
		{ F_BYTES, GREETING "\r\n", NULL, 0 },
		{ F_EXPECT, "qmp_capabilities", NULL, 0 },
		{ F_BYTES, OK_REPLY "\r\n", NULL, 0 },
		{ F_EXPECT, "query-name", NULL, 0 },
		{ F_BYTES, EVENT("STOP") "\r\n{\"return\": {\"name\": "
		    "\"vm1\"}, \"id\": %ID%}\r\n", NULL, 0 }
	};
	struct fixture			*f = *state;
	json_t				*v;
	char				*cause = NULL;

	v = qmp_command(fake_open(f, steps, NSTEPS(steps)), "query-name",
	    NULL, 5000, &cause);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "name")),
	    "vm1");
	json_decref(v);
	assert_event(qmp_next_event(f->q), "STOP", QMP_EV_STOP);
	fake_finish(f);
}

static void
test_qmp_two_messages_one_write(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "stop", NULL, 0 },
		{ F_RAW, EVENT("STOP") "\r\n" OK_REPLY "\r\n", NULL, 0 },
		{ F_EXPECT, "cont", NULL, 0 },
		{ F_RAW, OK_REPLY "\r\n" EVENT("RESUME") "\r\n", NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	json_t				*v;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	v = qmp_command(q, "stop", NULL, 2000, &cause);
	assert_non_null(v);
	json_decref(v);
	assert_event(qmp_next_event(q), "STOP", QMP_EV_STOP);

	/* The event after the reply is queued without another read. */
	v = qmp_command(q, "cont", NULL, 2000, &cause);
	assert_non_null(v);
	json_decref(v);
	assert_event(qmp_next_event(q), "RESUME", QMP_EV_RESUME);
	assert_null(qmp_next_event(q));
	fake_finish(f);
}

static void
test_qmp_timeout(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_SLEEP, NULL, NULL, 600 },
		{ F_SEND, "{\"return\": {\"late\": true}, \"id\": %ID%}", NULL,
		    0 },
		{ F_EXPECT, "query-name", NULL, 0 },
		{ F_SEND, "{\"return\": {\"late\": false}, \"id\": %ID%}", NULL,
		    0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	json_t				*v;
	char				*cause = NULL;
	uint64_t			 t0, dt;

	q = fake_open(f, steps, NSTEPS(steps));
	t0 = time_mono_ms();
	v = qmp_command(q, "query-status", NULL, 300, &cause);
	dt = time_mono_ms() - t0;
	assert_null(v);
	assert_string_equal(cause, "QMP: no reply to query-status within "
	    "300 ms");
	assert_true(dt >= 290 && dt < 1000);
	free(cause);
	cause = NULL;
	assert_int_equal(qmp_closed(q), 0);

	/* The late reply to the first command must not answer this one. */
	v = qmp_command(q, "query-name", NULL, 3000, &cause);
	assert_non_null(v);
	assert_true(json_is_false(json_object_get(v, "late")));
	json_decref(v);
	fake_finish(f);
}

static void
test_qmp_closed_mid_reply(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "quit", NULL, 0 },
		{ F_RAW, "{\"return\": {}, \"i", NULL, 0 },
		{ F_SLEEP, NULL, NULL, 50 },
		{ F_CLOSE, NULL, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	assert_null(qmp_command(q, "quit", NULL, 2000, &cause));
	assert_string_equal(cause, "QMP: monitor closed");
	assert_int_equal(qmp_closed(q), 1);
	free(cause);
	cause = NULL;

	assert_null(qmp_command(q, "query-status", json_object(), 2000,
	    &cause));
	assert_string_equal(cause, "QMP: monitor closed");
	free(cause);
	cause = NULL;
	assert_int_equal(qmp_read(q, &cause), -1);
	assert_string_equal(cause, "QMP: monitor closed");
	free(cause);
	fake_finish(f);
}

static void
test_qmp_closed_by_reset(void **state)
{
	/* Closing with our command unread makes the kernel send a reset. */
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_SLEEP, NULL, NULL, 300 },
		{ F_CLOSE, NULL, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	assert_null(qmp_command(q, "quit", NULL, 3000, &cause));
	assert_string_equal(cause, "QMP: monitor closed");
	assert_int_equal(qmp_closed(q), 1);
	free(cause);
	fake_finish(f);
}

static void
test_qmp_send_after_close(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_CLOSE, NULL, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	char				*cause = NULL;
	int				 status;

	/* Writing to a closed monitor must fail, not raise SIGPIPE. */
	q = fake_open(f, steps, NSTEPS(steps));
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	f->pid = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == FAKE_OK);
	assert_null(qmp_command(q, "stop", NULL, 2000, &cause));
	assert_string_equal(cause, "QMP: monitor closed");
	assert_int_equal(qmp_closed(q), 1);
	free(cause);
}

static void
test_qmp_malformed_line(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_SEND, "this is not json", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 },
		{ F_EXPECT, "query-name", NULL, 0 },
		{ F_SEND, "[1, 2, 3]", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 },
		{ F_EXPECT, "query-kvm", NULL, 0 },
		{ F_SEND, "{\"hello\": 1}", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 },
		{ F_EXPECT, "stop", NULL, 0 },
		{ F_SEND, "{\"return\": {\"fine\": true}, \"id\": %ID%}", NULL,
		    0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	json_t				*v;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	assert_null(qmp_command(q, "query-status", NULL, 2000, &cause));
	assert_string_equal(cause, "QMP: malformed message: this is not json");
	free(cause);
	cause = NULL;
	assert_null(qmp_command(q, "query-name", NULL, 2000, &cause));
	assert_string_equal(cause, "QMP: malformed message: [1, 2, 3]");
	free(cause);
	cause = NULL;
	assert_null(qmp_command(q, "query-kvm", NULL, 2000, &cause));
	assert_string_equal(cause, "QMP: unexpected message: {\"hello\": 1}");
	free(cause);
	cause = NULL;

	/* The stream is in step again: stale replies were dropped. */
	v = qmp_command(q, "stop", NULL, 2000, &cause);
	assert_non_null(v);
	assert_true(json_is_true(json_object_get(v, "fine")));
	json_decref(v);
	fake_finish(f);
}

static void
test_qmp_hmp(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "human-monitor-command",
		    "\"command-line\":\"device_del nope\"", 0 },
		{ F_SEND, "{\"return\": \"Error: Device 'nope' not "
		    "found\\r\\n\", \"id\": %ID%}", NULL, 0 },
		{ F_EXPECT, "human-monitor-command",
		    "\"command-line\":\"info name\"", 0 },
		{ F_SEND, "{\"return\": \"vm1\\r\\n\", \"id\": %ID%}", NULL,
		    0 },
		{ F_EXPECT, "human-monitor-command", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	char				*s, *cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	assert_null(qmp_hmp(q, "device_del nope", 2000, &cause));
	assert_string_equal(cause, "Error: Device 'nope' not found");
	free(cause);
	cause = NULL;

	s = qmp_hmp(q, "info name", 2000, &cause);
	assert_non_null(s);
	assert_string_equal(s, "vm1\r\n");
	free(s);

	assert_null(qmp_hmp(q, "info status", 2000, &cause));
	assert_string_equal(cause, "QMP: info status: no text in the reply");
	free(cause);
	fake_finish(f);
}

static void
test_qmp_wait_event_skips_others(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_SLEEP, NULL, NULL, 50 },
		{ F_SEND, EVENT("STOP"), NULL, 0 },
		{ F_SEND, EVENT("POWERDOWN"), NULL, 0 },
		{ F_SLEEP, NULL, NULL, 50 },
		{ F_RAW, EVENT("SHUTDOWN") "\r\n" EVENT("RESET") "\r\n"
		    EVENT("SUSPEND") "\r\n", NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	char				*cause = NULL;
	uint64_t			 t0, dt;

	q = fake_open(f, steps, NSTEPS(steps));
	assert_event(qmp_wait_event(q, "SHUTDOWN", 2000, &cause), "SHUTDOWN",
	    QMP_EV_SHUTDOWN);
	/* RESET came in the same read: it is taken from the queue. */
	assert_event(qmp_wait_event(q, "RESET", 0, &cause), "RESET",
	    QMP_EV_RESET);
	assert_null(cause);

	t0 = time_mono_ms();
	assert_null(qmp_wait_event(q, "RESUME", 200, &cause));
	dt = time_mono_ms() - t0;
	assert_string_equal(cause, "QMP: no RESUME event within 200 ms");
	assert_true(dt >= 190 && dt < 1000);
	free(cause);

	assert_event(qmp_next_event(q), "STOP", QMP_EV_STOP);
	assert_event(qmp_next_event(q), "POWERDOWN", QMP_EV_POWERDOWN);
	assert_event(qmp_next_event(q), "SUSPEND", QMP_EV_OTHER);
	assert_null(qmp_next_event(q));
	fake_finish(f);
}

static void
test_qmp_read_queues_events(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_SLEEP, NULL, NULL, 100 },
		{ F_SEND, EVENT("JOB_STATUS_CHANGE"), NULL, 0 },
		{ F_SLEEP, NULL, NULL, 100 },
		{ F_RAW, EVENT("BLOCK_IMAGE_CORRUPTED") "\r\n" EVENT("SHUTDOWN")
		    "\r\n{\"return\"", NULL, 0 },
		{ F_CLOSE, NULL, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	struct pollfd			 pfd;
	char				*cause = NULL;

	q = fake_open(f, steps, NSTEPS(steps));
	assert_int_equal(qmp_read(q, &cause), 0);
	assert_null(qmp_next_event(q));

	pfd.fd = qmp_fd(q);
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(qmp_read(q, &cause), 0);
	assert_null(cause);
	assert_event(qmp_next_event(q), "JOB_STATUS_CHANGE",
	    QMP_EV_JOB_STATUS_CHANGE);
	assert_null(qmp_next_event(q));

	/* Events sent just before the close still arrive. */
	while (qmp_read(q, &cause) == 0) {
		assert_int_equal(poll(&pfd, 1, 2000), 1);
	}
	assert_string_equal(cause, "QMP: monitor closed");
	assert_int_equal(qmp_closed(q), 1);
	free(cause);
	assert_event(qmp_next_event(q), "BLOCK_IMAGE_CORRUPTED",
	    QMP_EV_BLOCK_IMAGE_CORRUPTED);
	assert_event(qmp_next_event(q), "SHUTDOWN", QMP_EV_SHUTDOWN);
	assert_null(qmp_next_event(q));
	fake_finish(f);
}

struct trace_log {
	int	 n;
	int	 out[8];
	char	*line[8];
};

static void
trace_cb(void *arg, int out, const char *line)
{
	struct trace_log	*t = arg;

	if (t->n < 8) {
		t->out[t->n] = out;
		t->line[t->n++] = xstrdup(line);
	}
}

static void
test_qmp_trace(void **state)
{
	static const struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_SEND, EVENT("STOP"), NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 },
		{ F_EXPECT, "stop", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 }
	};
	struct fixture			*f = *state;
	struct qmp			*q;
	struct trace_log		 t;
	json_t				*v;
	char				*cause = NULL;
	int				 i;

	memset(&t, 0, sizeof t);
	q = fake_open(f, steps, NSTEPS(steps));
	qmp_set_trace(q, trace_cb, &t);
	v = qmp_command(q, "query-status", NULL, 2000, &cause);
	assert_non_null(v);
	json_decref(v);
	qmp_set_trace(q, NULL, NULL);
	v = qmp_command(q, "stop", NULL, 2000, &cause);
	assert_non_null(v);
	json_decref(v);
	json_decref(qmp_next_event(q));

	assert_int_equal(t.n, 3);
	assert_int_equal(t.out[0], 1);
	assert_string_equal(t.line[0],
	    "{\"execute\":\"query-status\",\"id\":2}");
	assert_int_equal(t.out[1], 0);
	assert_string_equal(t.line[1], EVENT("STOP"));
	assert_int_equal(t.out[2], 0);
	assert_string_equal(t.line[2], "{\"return\": {}, \"id\": 2}");
	for (i = 0; i < t.n; i++)
		free(t.line[i]);
	fake_finish(f);
}

static void
test_qmp_large_messages(void **state)
{
	struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "blob", NULL, 1 << 20 },
		{ F_SEND, NULL, NULL, 0 }
	};
	struct fixture		*f = *state;
	json_t			*v;
	char			*big, *reply, *cause = NULL;

	/* More than the socket buffers hold: partial writes and reads. */
	big = xmalloc((1 << 20) + 1);
	memset(big, 'a', 1 << 20);
	big[1 << 20] = '\0';
	reply = xasprintf("{\"return\": {\"data\": \"%.300000s\"}, "
	    "\"id\": %%ID%%}", big);
	steps[NSTEPS(steps) - 1].text = reply;

	v = qmp_command(fake_open(f, steps, NSTEPS(steps)), "blob",
	    json_pack("{s:s}", "data", big), 5000, &cause);
	free(big);
	free(reply);
	assert_non_null(v);
	assert_int_equal(strlen(json_string_value(json_object_get(v, "data"))),
	    300000);
	json_decref(v);
	fake_finish(f);
}

static void
test_qmp_overlong_line(void **state)
{
	struct fake_step	 steps[] = {
		HANDSHAKE,
		{ F_EXPECT, "query-status", NULL, 0 },
		{ F_RAW, NULL, NULL, 0 },
		{ F_SLEEP, NULL, NULL, 2000 },
		{ F_SEND, "", NULL, 0 },
		{ F_SEND, OK_REPLY, NULL, 0 },
		{ F_EXPECT, "stop", NULL, 0 },
		{ F_SEND, "{\"return\": {\"fine\": true}, \"id\": %ID%}", NULL,
		    0 }
	};
	struct fixture		*f = *state;
	struct qmp		*q;
	json_t			*v;
	char			*junk, *cause = NULL;
	size_t			 len = 17 * 1024 * 1024;
	uint64_t		 t0, dt;

	junk = xmalloc(len + 1);
	memset(junk, 'x', len);
	junk[len] = '\0';
	steps[4].text = junk;
	q = fake_open(f, steps, NSTEPS(steps));
	free(junk);

	/* It fails before the line ends: the buffer does not grow forever. */
	t0 = time_mono_ms();
	assert_null(qmp_command(q, "query-status", NULL, 10000, &cause));
	dt = time_mono_ms() - t0;
	assert_string_equal(cause, "QMP: message longer than 16777216 bytes");
	assert_true(dt < 1800);
	free(cause);
	cause = NULL;
	v = qmp_command(q, "stop", NULL, 10000, &cause);
	assert_non_null(v);
	assert_true(json_is_true(json_object_get(v, "fine")));
	json_decref(v);
	fake_finish(f);
}

static void
test_qmp_event_kind(void **state)
{
	static const struct {
		const char	*name;
		enum qmp_event	 kind;
	} cases[] = {
		{ "STOP", QMP_EV_STOP },
		{ "RESUME", QMP_EV_RESUME },
		{ "SHUTDOWN", QMP_EV_SHUTDOWN },
		{ "POWERDOWN", QMP_EV_POWERDOWN },
		{ "RESET", QMP_EV_RESET },
		{ "JOB_STATUS_CHANGE", QMP_EV_JOB_STATUS_CHANGE },
		{ "BLOCK_IMAGE_CORRUPTED", QMP_EV_BLOCK_IMAGE_CORRUPTED },
		{ "BALLOON_CHANGE", QMP_EV_OTHER },
		{ "stop", QMP_EV_OTHER },
		{ "", QMP_EV_OTHER }
	};
	json_t	*ev;
	size_t	 i;

	for (i = 0; i < NSTEPS(cases); i++) {
		ev = json_pack("{s:s}", "event", cases[i].name);
		assert_int_equal(qmp_event_kind(ev), cases[i].kind);
		json_decref(ev);
	}
	ev = json_pack("{s:i}", "event", 1);
	assert_int_equal(qmp_event_kind(ev), QMP_EV_OTHER);
	json_decref(ev);
	ev = json_object();
	assert_int_equal(qmp_event_kind(ev), QMP_EV_OTHER);
	json_decref(ev);
}

/* Whether a program is on PATH. */
static int
on_path(const char *prog)
{
	const char	*path;
	char		*copy, *dir, *last, *file;
	int		 found = 0;

	if ((path = getenv("PATH")) == NULL)
		return (0);
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &last); dir != NULL && !found;
	    dir = strtok_r(NULL, ":", &last)) {
		file = xasprintf("%s/%s", dir, prog);
		found = access(file, X_OK) == 0;
		free(file);
	}
	free(copy);
	return (found);
}

/* Whether a process is gone (or a zombie, if init is slow to reap it). */
static int
process_gone(pid_t pid)
{
	FILE	*fp;
	char	*path, *p, buf[512];
	int	 zombie = 0;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return (1);
	path = xasprintf("/proc/%ld/stat", (long)pid);
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(buf, sizeof buf, fp) != NULL &&
		    (p = strrchr(buf, ')')) != NULL)
			zombie = p[1] == ' ' && p[2] == 'Z';
		fclose(fp);
	}
	free(path);
	return (zombie);
}

static void
test_qmp_real_qemu(void **state)
{
	struct fixture	*f = *state;
	struct pollfd	 pfd;
	struct stat	 sb;
	json_t		*v;
	FILE		*fp;
	char		*sock, *pidfile, *qmparg, *s, *cause = NULL;
	const char	*status;
	uint64_t	 t0;
	pid_t		 pid;
	long		 qpid;
	int		 st, r;

	if (!on_path("qemu-system-x86_64"))
		skip();
	make_dir(f);
	sock = xasprintf("%s/q.sock", f->dir);
	pidfile = xasprintf("%s/q.pid", f->dir);
	qmparg = xasprintf("unix:%s,server=on,wait=off", sock);

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		execlp("qemu-system-x86_64", "qemu-system-x86_64", "-machine",
		    "none", "-nodefaults", "-display", "none", "-qmp", qmparg,
		    "-daemonize", "-pidfile", pidfile, (char *)NULL);
		_exit(127);
	}
	free(qmparg);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fp = fopen(pidfile, "r");
	free(pidfile);
	assert_non_null(fp);
	r = fscanf(fp, "%ld", &qpid);
	fclose(fp);
	assert_int_equal(r, 1);
	f->pid = (pid_t)qpid;

	f->q = qmp_connect(sock, 5000, &cause);
	if (f->q == NULL)
		fail_msg("qmp_connect: %s", cause);

	v = qmp_command(f->q, "query-version", NULL, 5000, &cause);
	assert_non_null(v);
	assert_true(json_integer_value(json_object_get(json_object_get(v,
	    "qemu"), "major")) >= 2);
	assert_true(json_is_string(json_object_get(v, "package")));
	json_decref(v);

	v = qmp_command(f->q, "query-status", NULL, 5000, &cause);
	assert_non_null(v);
	status = json_string_value(json_object_get(v, "status"));
	assert_non_null(status);
	assert_true(*status != '\0');
	assert_true(json_is_boolean(json_object_get(v, "running")));
	json_decref(v);

	assert_null(qmp_command(f->q, "no-such-command", NULL, 5000, &cause));
	assert_string_equal(cause,
	    "The command no-such-command has not been found");
	free(cause);
	cause = NULL;

	s = qmp_hmp(f->q, "info version", 5000, &cause);
	assert_non_null(s);
	assert_true(*s >= '1' && *s <= '9');
	free(s);
	assert_null(qmp_hmp(f->q, "device_del nope", 5000, &cause));
	assert_true(strncmp(cause, "Error: ", 7) == 0);
	assert_true(strchr(cause, '\n') == NULL);
	free(cause);
	cause = NULL;

	/* After quit the monitor closes, cleanly or by reset. */
	v = qmp_command(f->q, "quit", NULL, 5000, &cause);
	if (v == NULL) {
		assert_string_equal(cause, "QMP: monitor closed");
		free(cause);
		cause = NULL;
	}
	json_decref(v);
	pfd.fd = qmp_fd(f->q);
	pfd.events = POLLIN;
	t0 = time_mono_ms();
	while (qmp_read(f->q, &cause) == 0) {
		assert_true(time_mono_ms() - t0 < 5000);
		poll(&pfd, 1, 100);
	}
	assert_string_equal(cause, "QMP: monitor closed");
	free(cause);
	assert_int_equal(qmp_closed(f->q), 1);

	t0 = time_mono_ms();
	while (!process_gone(f->pid)) {
		assert_true(time_mono_ms() - t0 < 5000);
		time_sleep_ms(10);
	}
	f->pid = 0;
	/* A clean exit removes the QMP socket. */
	assert_int_equal(stat(sock, &sb), -1);
	free(sock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_qmp_handshake, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_connect_handshake,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_connect_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_connect_no_greeting,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_greeting_required,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_command_reply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_error_reply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_qmp_events_before_reply_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_reply_matched_by_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_reply_split_bytes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_two_messages_one_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_closed_mid_reply,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_closed_by_reset, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_send_after_close,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_malformed_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_hmp, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_qmp_wait_event_skips_others, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_read_queues_events,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_trace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_large_messages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_overlong_line, setup,
		    teardown),
		cmocka_unit_test(test_qmp_event_kind),
		cmocka_unit_test_setup_teardown(test_qmp_uint64_max, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qmp_real_qemu, setup,
		    teardown)
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
