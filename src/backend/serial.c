/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's serial port: its UNIX socket and its log. */
#include "config.h"

#include "backend/serial.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/falloc.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xmalloc.h"

int
serial_connect(const char *path, char **cause)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		*cause = xasprintf("%s: socket path too long", path);
		return (-1);
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0);
	if (fd == -1) {
		*cause = xasprintf("socket: %s", strerror(errno));
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		*cause = xasprintf("serial socket %s: %s", path,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

char *
serial_log_tail(const char *path, size_t max, size_t *lenp, char **cause)
{
	struct stat	 sb;
	char		*buf, *nl;
	off_t		 start;
	ssize_t		 n;
	size_t		 len;
	int		 fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &sb) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return (NULL);
	}
	start = sb.st_size > (off_t)max ? sb.st_size - (off_t)max : 0;
	len = (size_t)(sb.st_size - start);
	buf = xmalloc(len + 1);
	n = pread(fd, buf, len, start);
	close(fd);
	if (n < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(buf);
		return (NULL);
	}
	len = (size_t)n;
	buf[len] = '\0';
	if (start > 0 && (nl = memchr(buf, '\n', len)) != NULL) {
		len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, len + 1);
	}
	*lenp = len;
	return (buf);
}

int
serial_write_all(int fd, const char *buf, size_t len)
{
	struct pollfd	pfd;
	ssize_t		n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN) {
				pfd.fd = fd;
				pfd.events = POLLOUT;
				poll(&pfd, 1, 1000);
				continue;
			}
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Pass on what was held: it was no query. Returns the bytes put in out. */
static size_t
serial_filter_flush(struct serial_filter *f, char *out)
{
	size_t	n = f->nheld;

	memcpy(out, f->held, n);
	f->nheld = 0;
	return (n);
}

/*
 * One more byte after ESC [: parameter and intermediate bytes are held, a
 * final byte ends the sequence. DSR ("5n", "6n": where is the cursor?)
 * and DA ("c", ">c": what are you?) are questions to a terminal, dropped;
 * anything else is passed on. Returns the bytes put in out.
 */
static size_t
serial_filter_csi(struct serial_filter *f, char c, char *out)
{
	unsigned char	u = (unsigned char)c;
	size_t		n;

	if (u >= 0x20 && u <= 0x3f && f->nheld < sizeof f->held) {
		f->held[f->nheld++] = c;
		return (0);
	}
	if (c == 'n' || c == 'c') {
		f->nheld = 0;
		return (0);
	}
	n = serial_filter_flush(f, out);
	out[n++] = c;
	return (n);
}

size_t
serial_filter_queries(struct serial_filter *f, const char *buf, size_t len,
    char *out)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (f->nheld >= 2)
			n += serial_filter_csi(f, buf[i], out + n);
		else if (f->nheld == 1 && buf[i] == '[')
			f->held[f->nheld++] = buf[i];
		else {
			n += serial_filter_flush(f, out + n);
			if (buf[i] == '\033')
				f->held[f->nheld++] = buf[i];
			else
				out[n++] = buf[i];
		}
	}
	return (n);
}

enum serial_end
serial_relay(int sock, int in, int out, int detach, int quiet_ms, int flags,
    volatile sig_atomic_t *stop)
{
	struct serial_filter	 filter;
	struct pollfd		 pfd[2];
	char			 buf[4096], *d;
	char			 clean[sizeof buf + SERIAL_FILTER_HOLD];
	ssize_t			 n;
	int			 in_open = 1, rc;

	memset(&filter, 0, sizeof filter);
	pfd[1].fd = sock;
	pfd[0].events = pfd[1].events = POLLIN;
	while (stop == NULL || !*stop) {
		pfd[0].fd = in_open ? in : -1;
		rc = poll(pfd, 2, in_open ? -1 : quiet_ms);
		if (rc == -1) {
			if (errno == EINTR)
				continue;
			return (SERIAL_ERROR);
		}
		if (rc == 0)
			return (SERIAL_DETACHED);
		if (pfd[1].revents & (POLLIN|POLLHUP|POLLERR)) {
			n = read(sock, buf, sizeof buf);
			if (n == 0 || (n == -1 && errno != EAGAIN &&
			    errno != EINTR))
				return (SERIAL_CLOSED);
			d = buf;
			if (n > 0 && (flags & SERIAL_NO_QUERIES)) {
				n = (ssize_t)serial_filter_queries(&filter, buf,
				    (size_t)n, clean);
				d = clean;
			}
			if (n > 0 && serial_write_all(out, d, (size_t)n) != 0)
				return (SERIAL_ERROR);
		}
		if (in_open && (pfd[0].revents & (POLLIN|POLLHUP))) {
			n = read(in, buf, sizeof buf);
			if (n <= 0) {
				if (n == -1 && errno == EINTR)
					continue;
				in_open = 0;
				continue;
			}
			if (detach >= 0 && (d = memchr(buf, detach,
			    (size_t)n)) != NULL) {
				serial_write_all(sock, buf, (size_t)(d - buf));
				return (SERIAL_DETACHED);
			}
			if (serial_write_all(sock, buf, (size_t)n) != 0)
				return (SERIAL_CLOSED);
		}
	}
	return (SERIAL_DETACHED);
}

/* Copy [from, to) of fd to out, or to EOF when to is -1. -1 on error. */
static int
serial_log_copy(int fd, int out, off_t from, off_t to)
{
	char	buf[65536];
	ssize_t	n;
	size_t	want;

	while (to == -1 || from < to) {
		want = sizeof buf;
		if (to != -1 && (off_t)want > to - from)
			want = (size_t)(to - from);
		if ((n = pread(fd, buf, want, from)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			return (to == -1 ? 0 : -1);
		if (serial_write_all(out, buf, (size_t)n) != 0)
			return (-1);
		from += n;
	}
	return (0);
}

/*
 * Drop the head [0, k) of the log in place. QEMU opened it with O_APPEND
 * (logappend=on), so its next write lands at the new end; the kernel
 * collapses and appends under the inode's lock, so no byte written in
 * between is lost. A filesystem without collapse (tmpfs, NFS) gets the
 * rest copied and the log truncated: what QEMU writes between the last
 * read and the truncate (microseconds) is lost.
 */
static int
serial_log_drop(int fd, int old, off_t k)
{
#ifdef FALLOC_FL_COLLAPSE_RANGE
	if (fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, k) == 0)
		return (0);
	if (errno != EOPNOTSUPP && errno != EINVAL)
		return (-1);
#endif
	if (serial_log_copy(fd, old, k, -1) != 0)
		return (-1);
	return (ftruncate(fd, 0));
}

int
serial_log_rotate(const char *path, uint64_t max, char **cause)
{
	struct stat	 sb;
	char		*old, *tmp;
	off_t		 k;
	int		 fd, out = -1, rc = -1;

	if ((fd = open(path, O_RDWR|O_CLOEXEC|O_NOFOLLOW|O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return (0);
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size <= max) {
		close(fd);
		return (0);
	}
	/* Collapse wants whole blocks, short of the end. */
	k = sb.st_size - sb.st_size % 4096;
	if (k == sb.st_size)
		k -= 4096;
	old = xasprintf("%s.1", path);
	tmp = xasprintf("%s.1.tmp", path);
	/* The old part is in serial.log.1 before it leaves serial.log. */
	if ((out = open(tmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC|O_NOFOLLOW,
	    0600)) == -1 || serial_log_copy(fd, out, 0, k) != 0 ||
	    rename(tmp, old) != 0 || serial_log_drop(fd, out, k) != 0)
		*cause = xasprintf("%s: %s", path, strerror(errno));
	else
		rc = 0;
	if (out != -1)
		close(out);
	if (rc != 0)
		unlink(tmp);
	free(old);
	free(tmp);
	close(fd);
	return (rc);
}
