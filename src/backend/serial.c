/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's serial port: its UNIX socket and its log. */
#include "config.h"

#include "backend/serial.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
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
