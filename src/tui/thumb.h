/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A live thumbnail of a VM's screen: its own VNC session, a frame at most
 * twice a second, drawn as half blocks in a few colours by ncurses.
 */
#ifndef VMDESK_TUI_THUMB_H
#define VMDESK_TUI_THUMB_H

struct thumb;

struct thumb	*thumb_create(void);
void		 thumb_free(struct thumb *);
/*
 * Follow this VM's VNC socket (name and path), or nothing (NULL): the
 * session opens, moves or closes as needed.
 */
void		 thumb_follow(struct thumb *, const char *, const char *);
/* Its descriptor, or -1. */
int		 thumb_fd(struct thumb *);
/* Milliseconds until thumb_ready() wants a call anyway, or -1. */
int		 thumb_wait_ms(struct thumb *);
/* Read what came; 1 when the picture changed. */
int		 thumb_ready(struct thumb *, int);
/* The guest's screen size in pixels; 0 when there is no picture yet. */
int		 thumb_size(struct thumb *, int *, int *);
/* Draw it at y, x in at most h rows and w columns; returns rows used. */
int		 thumb_draw(struct thumb *, int, int, int, int, int, int);

#endif
