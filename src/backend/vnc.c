/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VNC session with a VM's screen over QEMU's UNIX socket (libvncclient). */
#include "config.h"

#include "backend/vnc.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/lazy_vnc.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Seconds one message may take to arrive whole once it started. */
#define VNC_READ_TIMEOUT	3

struct vnc {
	char		*path;
	rfbClient	*cl;		/* NULL when disconnected */
	uint8_t		*fb;		/* ours: it outlives the connection */
	int		 w, h;
	int		 dirty;
	int		 resized;
	struct vnc_rect	 d;		/* the dirty area, when dirty */
};

static int	vnc_tag;

static void	vnc_log(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* The library logs on stderr, which would scribble over the screen. */
static void
vnc_log(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	s[strcspn(s, "\n")] = '\0';
	log_debug("vnc: %s", s);
	free(s);
}

static struct vnc *
vnc_of(rfbClient *cl)
{
	return (rfbClientGetClientData(cl, &vnc_tag));
}

static void
vnc_mark(struct vnc *v, int x, int y, int w, int h)
{
	int	x1, y1;

	if (w <= 0 || h <= 0)
		return;
	if (!v->dirty) {
		v->d.x = x;
		v->d.y = y;
		v->d.w = w;
		v->d.h = h;
		v->dirty = 1;
		return;
	}
	x1 = v->d.x + v->d.w > x + w ? v->d.x + v->d.w : x + w;
	y1 = v->d.y + v->d.h > y + h ? v->d.y + v->d.h : y + h;
	v->d.x = v->d.x < x ? v->d.x : x;
	v->d.y = v->d.y < y ? v->d.y : y;
	v->d.w = x1 - v->d.x;
	v->d.h = y1 - v->d.y;
}

/*
 * The first frame and every guest mode change come here. Any pointer into
 * the old buffer is dangling afterwards: users ask vnc_pixels() again.
 */
static rfbBool
vnc_malloc_fb(rfbClient *cl)
{
	struct vnc	*v = vnc_of(cl);
	size_t		 n;

	if (cl->width <= 0 || cl->height <= 0 || cl->width > 16384 ||
	    cl->height > 16384)
		return (FALSE);
	if (cl->width != v->w || cl->height != v->h || v->fb == NULL) {
		n = (size_t)cl->width * (size_t)cl->height;
		free(v->fb);
		v->fb = xcalloc(n, 4);
		v->w = cl->width;
		v->h = cl->height;
		v->resized = 1;
	}
	cl->frameBuffer = v->fb;
	vnc_mark(v, 0, 0, v->w, v->h);
	return (TRUE);
}

/*
 * A rectangle was drawn. The library leaves the 4th byte 0 (R, G, B, 0):
 * make it opaque, for anything that reads alpha.
 */
static void
vnc_got_update(rfbClient *cl, int x, int y, int w, int h)
{
	struct vnc	*v = vnc_of(cl);
	uint8_t		*p;
	int		 i, j;

	if (x < 0 || y < 0 || x + w > v->w || y + h > v->h)
		return;
	for (j = y; j < y + h; j++) {
		p = v->fb + ((size_t)j * (size_t)v->w + (size_t)x) * 4 + 3;
		for (i = 0; i < w; i++, p += 4)
			*p = 0xff;
	}
	vnc_mark(v, x, y, w, h);
}

struct vnc *
vnc_create(const char *path)
{
	struct vnc	*v;

	v = xcalloc(1, sizeof *v);
	v->path = xstrdup(path);
	return (v);
}

void
vnc_disconnect(struct vnc *v)
{
	if (v->cl == NULL)
		return;
	/* The framebuffer is ours; the library does not free it. */
	v->cl->frameBuffer = NULL;
	rfbClientCleanup(v->cl);
	v->cl = NULL;
}

void
vnc_free(struct vnc *v)
{
	if (v == NULL)
		return;
	vnc_disconnect(v);
	free(v->fb);
	free(v->path);
	free(v);
}

/*
 * Our own SetEncodings, right after the library's. libvncclient 0.9.14
 * advertises ExtendedDesktopSize, rejects QEMU's screen id 0 on the first
 * mode switch and then drops the connection on "Rect too large". Without
 * it QEMU sends a plain NewFBSize, which arrives via MallocFrameBuffer.
 * No quality level either: that would let QEMU send lossy JPEG, and text
 * screens are recognised pixel for pixel.
 */
static int
vnc_set_encodings(rfbClient *cl)
{
	static const uint32_t	 enc[] = {
		rfbEncodingHextile, rfbEncodingRaw, rfbEncodingNewFBSize,
		rfbEncodingLastRect
	};
	char			 buf[sz_rfbSetEncodingsMsg + sizeof enc];
	rfbSetEncodingsMsg	 m;
	uint32_t		 e;
	size_t			 i;

	memset(&m, 0, sizeof m);
	m.type = rfbSetEncodings;
	m.nEncodings = htons((uint16_t)(sizeof enc / sizeof enc[0]));
	memcpy(buf, &m, sz_rfbSetEncodingsMsg);
	for (i = 0; i < sizeof enc / sizeof enc[0]; i++) {
		e = htonl(enc[i]);
		memcpy(buf + sz_rfbSetEncodingsMsg + i * 4, &e, 4);
	}
	return (WriteToRFBServer(cl, buf, sizeof buf) ? 0 : -1);
}

int
vnc_connect(struct vnc *v, char **cause)
{
	rfbClient	*cl;
	char		*argv[] = { (char *)"vmdesk", NULL };
	int		 argc = 1;

	vnc_disconnect(v);
	if (lazy_vnc_load(cause) != 0)
		return (-1);
	rfbClientLog = vnc_log;
	rfbClientErr = vnc_log;
	/* 8 bits, 3 samples, 4 bytes a pixel: R, G, B, pad. */
	if ((cl = rfbGetClient(8, 3, 4)) == NULL) {
		*cause = xstrdup("cannot make a VNC client");
		return (-1);
	}
	rfbClientSetClientData(cl, &vnc_tag, v);
	cl->MallocFrameBuffer = vnc_malloc_fb;
	cl->GotFrameBufferUpdate = vnc_got_update;
	cl->canHandleNewFBSize = TRUE;
	cl->appData.encodingsString = "hextile raw";
	cl->appData.enableJPEG = FALSE;
	cl->appData.useRemoteCursor = FALSE;
	cl->appData.compressLevel = 0;
	cl->connectTimeout = VNC_READ_TIMEOUT;
	cl->readTimeout = VNC_READ_TIMEOUT;
	/* A socket file is enough: the library connects to it as UNIX. */
	free(cl->serverHost);		/* rfbGetClient's strdup("") */
	cl->serverHost = xstrdup(v->path);
	cl->serverPort = 0;
	if (!rfbInitClient(cl, &argc, argv)) {
		/* rfbInitClient freed the client. */
		*cause = xasprintf("cannot connect to the screen at %s",
		    v->path);
		return (-1);
	}
	v->cl = cl;
	if (vnc_set_encodings(cl) != 0) {
		vnc_disconnect(v);
		*cause = xstrdup("the VNC connection closed at once");
		return (-1);
	}
	return (0);
}

int
vnc_connected(const struct vnc *v)
{
	return (v->cl != NULL);
}

int
vnc_fd(const struct vnc *v)
{
	return (v->cl != NULL ? v->cl->sock : -1);
}

int
vnc_read(struct vnc *v, char **cause)
{
	if (v->cl == NULL) {
		*cause = xstrdup("not connected");
		return (-1);
	}
	/*
	 * Messages the library already read into its buffer never wake
	 * poll() again: handle them all now.
	 */
	do {
		if (!HandleRFBServerMessage(v->cl)) {
			vnc_disconnect(v);
			*cause = xstrdup("the VNC connection was lost");
			return (-1);
		}
	} while (v->cl->buffered > 0);
	return (0);
}

const uint8_t *
vnc_pixels(const struct vnc *v, int *w, int *h)
{
	*w = v->w;
	*h = v->h;
	return (v->fb);
}

int
vnc_take_dirty(struct vnc *v, struct vnc_rect *r, int *resized)
{
	int	was = v->dirty;

	*resized = v->resized;
	if (was)
		*r = v->d;
	v->dirty = 0;
	v->resized = 0;
	return (was);
}

int
vnc_key(struct vnc *v, uint32_t keysym, int down)
{
	if (v->cl == NULL)
		return (-1);
	return (SendKeyEvent(v->cl, keysym, down ? TRUE : FALSE) ? 0 : -1);
}

int
vnc_press(struct vnc *v, uint32_t keysym, int mods)
{
	static const struct {
		int		mod;
		uint32_t	keysym;
	} held[] = {
		{ VNC_MOD_CTRL, VNC_KEY_CONTROL_L },
		{ VNC_MOD_ALT, VNC_KEY_ALT_L },
		{ VNC_MOD_SHIFT, VNC_KEY_SHIFT_L },
		{ VNC_MOD_SUPER, VNC_KEY_SUPER_L },
	};
	size_t	i;
	int	rc = 0;

	for (i = 0; i < sizeof held / sizeof held[0]; i++) {
		if ((mods & held[i].mod) && vnc_key(v, held[i].keysym, 1) != 0)
			rc = -1;
	}
	if (vnc_key(v, keysym, 1) != 0 || vnc_key(v, keysym, 0) != 0)
		rc = -1;
	for (i = sizeof held / sizeof held[0]; i > 0; i--) {
		if ((mods & held[i - 1].mod) &&
		    vnc_key(v, held[i - 1].keysym, 0) != 0)
			rc = -1;
	}
	return (rc);
}

int
vnc_pointer(struct vnc *v, int x, int y, int buttons)
{
	if (v->cl == NULL)
		return (-1);
	return (SendPointerEvent(v->cl, x, y, buttons) ? 0 : -1);
}

/*
 * QEMU maps a keysym to a scancode on its en-us map and adds no Shift:
 * without one, it toggles the guest's CapsLock to force the case. So the
 * characters on the shifted half of a US keyboard get Shift from us.
 */
int
vnc_keysym_shifted(uint32_t keysym)
{
	if (keysym >= 'A' && keysym <= 'Z')
		return (1);
	return (keysym > 0 && keysym < 0x7f &&
	    strchr("~!@#$%^&*()_+{}|:\"<>?", (int)keysym) != NULL);
}
