/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VNC (RFB) session with a VM's screen over QEMU's UNIX socket, on
 * libvncclient: a descriptor for poll(), the framebuffer as R,G,B,255
 * bytes, a dirty rectangle, keys and pointer, and reconnection.
 */
#ifndef VMDESK_BACKEND_VNC_H
#define VMDESK_BACKEND_VNC_H

#include <stdint.h>

struct vnc;

/* A rectangle of the guest's screen. */
struct vnc_rect {
	int	x, y, w, h;
};

/* Modifiers held around a key press. */
#define VNC_MOD_SHIFT	0x1
#define VNC_MOD_CTRL	0x2
#define VNC_MOD_ALT	0x4
#define VNC_MOD_SUPER	0x8	/* the Windows key */

/* Keysyms vmdesk sends besides printable ASCII (which is its own keysym). */
#define VNC_KEY_BACKSPACE	0xff08
#define VNC_KEY_TAB		0xff09
#define VNC_KEY_RETURN		0xff0d
#define VNC_KEY_SYS_REQ		0xff15
#define VNC_KEY_ESCAPE		0xff1b
#define VNC_KEY_HOME		0xff50
#define VNC_KEY_LEFT		0xff51
#define VNC_KEY_UP		0xff52
#define VNC_KEY_RIGHT		0xff53
#define VNC_KEY_DOWN		0xff54
#define VNC_KEY_PAGE_UP		0xff55
#define VNC_KEY_PAGE_DOWN	0xff56
#define VNC_KEY_END		0xff57
#define VNC_KEY_INSERT		0xff63
#define VNC_KEY_F1		0xffbe	/* F2..F12 follow */
#define VNC_KEY_SHIFT_L		0xffe1
#define VNC_KEY_CONTROL_L	0xffe3
#define VNC_KEY_ALT_L		0xffe9
#define VNC_KEY_SUPER_L		0xffeb
#define VNC_KEY_DELETE		0xffff

/* A session for a socket path; it connects on vnc_connect(). */
struct vnc	*vnc_create(const char *);
void		 vnc_free(struct vnc *);
/*
 * Connect (again): handshake, lossless encodings, a full update asked.
 * 0, or -1 and *cause (QEMU gone, socket refused).
 */
int		 vnc_connect(struct vnc *, char **);
/* Drop the connection (the session stays, disconnected). */
void		 vnc_disconnect(struct vnc *);
/* Whether the session is connected. */
int		 vnc_connected(const struct vnc *);
/* The descriptor to poll for reading, or -1 when disconnected. */
int		 vnc_fd(const struct vnc *);
/*
 * Handle every message waiting (after poll() says readable). 0, or -1 and
 * *cause when the connection was lost (it is then disconnected).
 */
int		 vnc_read(struct vnc *, char **);
/*
 * The framebuffer, 4 bytes a pixel (R, G, B, 255), rows of w pixels; NULL
 * before the first connection. It moves when the guest changes mode.
 */
const uint8_t	*vnc_pixels(const struct vnc *, int *, int *);
/*
 * Take the area changed since the last call (merged into one rectangle);
 * *resized tells a new screen size. 0 when nothing changed.
 */
int		 vnc_take_dirty(struct vnc *, struct vnc_rect *, int *);
/* Send a key press (down 1) or release (0) by keysym. */
int		 vnc_key(struct vnc *, uint32_t, int);
/* Press and release a key with modifiers (VNC_MOD_*) held around it. */
int		 vnc_press(struct vnc *, uint32_t, int);
/* Move the pointer to guest pixel x, y with buttons (bit 0 left ...). */
int		 vnc_pointer(struct vnc *, int, int, int);
/* Whether a printable ASCII keysym needs Shift on a US keyboard. */
int		 vnc_keysym_shifted(uint32_t);

#endif
