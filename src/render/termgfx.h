/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real pixels in a terminal: a guest frame as a sixel image (libsixel) or
 * as a kitty graphics protocol image, ready to write at the cursor.
 */
#ifndef VMDESK_RENDER_TERMGFX_H
#define VMDESK_RENDER_TERMGFX_H

#include <stddef.h>
#include <stdint.h>

struct cr_rect;

enum tg_proto {
	TG_SIXEL,
	TG_KITTY
};

/* The kitty image id vmdesk uses, so a new frame replaces the last. */
#define TG_KITTY_ID	4242

/*
 * A frame of w x h pixels (R,G,B,x: 4 bytes each, rows of w * 4 bytes)
 * scaled by area averaging to pw x ph pixels, as the escapes that draw it
 * at the cursor over cols x rows cells (kitty scales to them; sixel
 * draws pixels as they are). Returns NULL with *cause on failure. Caller
 * frees; *lenp gets the length.
 */
char	*tg_encode(enum tg_proto, const uint8_t *, int, int, int, int, int,
	    int, size_t *, char **);
/*
 * The same for the rectangle src of the frame (a zoomed or panned view):
 * its pixels scaled to pw x ph. A rectangle outside the frame fails.
 */
char	*tg_encode_rect(enum tg_proto, const uint8_t *, int, int,
	    const struct cr_rect *, int, int, int, int, size_t *, char **);
/*
 * The rectangle x, y, w, h of a picture already scaled to pw x ph R,G,B
 * pixels, as the escapes that draw it at the cursor at its own size: a
 * sixel image, or kitty image id (replacing an earlier one of that id).
 * So a change costs its part, not the frame. Caller frees; *lenp gets
 * the length.
 */
char	*tg_encode_part(enum tg_proto, const uint8_t *, int, int, int, int,
	    int, int, unsigned, size_t *, char **);
/* The escape that removes vmdesk's kitty images from the screen. */
const char *tg_kitty_clear(void);
/* n bytes as base64 (with padding). Caller frees. */
char	*tg_base64(const void *, size_t);
/* OSC 52, which puts text on the terminal's clipboard. Caller frees. */
char	*tg_osc52(const char *);
/* Scale an R,G,B,x frame to pw x ph R,G,B pixels, averaging areas. */
void	 tg_scale(const uint8_t *, int, int, uint8_t *, int, int);
/*
 * Scale the rectangle src of an R,G,B,x frame w pixels wide to pw x ph
 * R,G,B pixels: areas averaged when shrinking, pixels repeated when
 * enlarging.
 */
void	 tg_scale_rect(const uint8_t *, int, const struct cr_rect *, uint8_t *,
	    int, int);

#endif
