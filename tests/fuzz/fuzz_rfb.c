/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: what a VNC server sends to the screen view. A fake
 * server on a UNIX socket (a thread) does the RFB 3.8 handshake with a
 * screen size taken from the input, then sends the rest of the input as
 * server messages (framebuffer updates with any rectangles and
 * encodings, resizes, colour maps, bells, cut text) and hangs up. The
 * session must survive it: no crash, no read or write out of bounds in
 * the framebuffer it keeps.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/vnc.h"
#include "fuzz.h"

struct fake_server {
	int		 lfd;
	const uint8_t	*data;
	size_t		 len;
	int		 w, h;
};

static int
fake_write(int fd, const void *p, size_t n)
{
	return (write(fd, p, n) == (ssize_t)n ? 0 : -1);
}

static int
fake_read(int fd, size_t n)
{
	uint8_t	buf[64];
	ssize_t	r;

	while (n > 0) {
		r = read(fd, buf, n < sizeof buf ? n : sizeof buf);
		if (r <= 0)
			return (-1);
		n -= (size_t)r;
	}
	return (0);
}

static void *
fake_serve(void *arg)
{
	struct fake_server	*s = arg;
	uint8_t			 init[24 + 4], junk[512];
	int			 fd;

	if ((fd = accept(s->lfd, NULL, NULL)) < 0)
		return (NULL);
	memset(init, 0, sizeof init);
	init[0] = (uint8_t)(s->w >> 8);
	init[1] = (uint8_t)s->w;
	init[2] = (uint8_t)(s->h >> 8);
	init[3] = (uint8_t)s->h;
	init[4] = 32;		/* bits per pixel */
	init[5] = 24;		/* depth */
	init[7] = 1;		/* true colour */
	init[9] = init[11] = init[13] = 255;	/* maxima */
	init[14] = 16;		/* shifts */
	init[15] = 8;
	init[23] = 4;		/* name length */
	memcpy(init + 24, "fuzz", 4);
	if (fake_write(fd, "RFB 003.008\n", 12) != 0 ||
	    fake_read(fd, 12) != 0 ||
	    fake_write(fd, "\001\001", 2) != 0 ||	/* one type: None */
	    fake_read(fd, 1) != 0 ||
	    fake_write(fd, "\0\0\0\0", 4) != 0 ||	/* security result */
	    fake_read(fd, 1) != 0 ||			/* ClientInit */
	    fake_write(fd, init, sizeof init) != 0)
		goto out;
	if (s->len > 0)
		(void)fake_write(fd, s->data, s->len);
	shutdown(fd, SHUT_WR);
	while (read(fd, junk, sizeof junk) > 0)
		;
out:
	close(fd);
	return (NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char		 dir[] = "/tmp/vmdesk-fuzz-rfb-XXXXXX";
	static int		 made;
	struct fake_server	 s;
	struct sockaddr_un	 sun;
	struct vnc		*v;
	struct vnc_rect		 r;
	struct pollfd		 pfd;
	pthread_t		 th;
	char			*cause = NULL;
	int			 resized, w, h, i;

	if (len < 4 || len > 65536)
		return (0);
	if (!made && (made = mkdtemp(dir) != NULL) == 0)
		abort();
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/vnc.sock", dir);
	unlink(sun.sun_path);
	s.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s.lfd < 0 || bind(s.lfd, (struct sockaddr *)&sun, sizeof sun) != 0
	    || listen(s.lfd, 1) != 0)
		abort();
	s.w = 1 + ((data[0] << 8 | data[1]) % 1024);
	s.h = 1 + ((data[2] << 8 | data[3]) % 800);
	s.data = data + 4;
	s.len = len - 4;
	if (pthread_create(&th, NULL, fake_serve, &s) != 0)
		abort();
	v = vnc_create(sun.sun_path);
	if (vnc_connect(v, &cause) != 0)
		free(cause);
	else {
		for (i = 0; i < 1000 && vnc_connected(v); i++) {
			pfd.fd = vnc_fd(v);
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 1000) <= 0)
				break;
			if (vnc_read(v, &cause) != 0) {
				free(cause);
				cause = NULL;
			}
			if (vnc_take_dirty(v, &r, &resized) && !resized) {
				(void)vnc_pixels(v, &w, &h);
				if (r.x < 0 || r.y < 0 || r.x + r.w > w ||
				    r.y + r.h > h)
					abort();	/* a dirty area off screen */
			}
		}
	}
	vnc_free(v);
	pthread_join(th, NULL);
	close(s.lfd);
	unlink(sun.sun_path);
	return (0);
}
