/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's screen in the terminal: text screens recognised glyph by glyph
 * and drawn as text, the rest as half blocks; keys go to the guest.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <curses.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/screenshot.h"
#include "backend/vmproc.h"
#include "backend/vnc.h"
#include "render/cellrender.h"
#include "render/termgfx.h"
#include "render/textscreen.h"
#include "ops/typing.h"
#include "tui/conkeys.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* At most ~30 frames a second reach the terminal. */
#define CON_FRAME_MS	33
/* A lost connection is tried again this often. */
#define CON_RETRY_MS	1000
/* Real pixels (sixel, kitty) cost more: at most ~10 frames a second. */
#define CON_IMAGE_MS	100
/* Kitty pictures go as tiles of this many cells: a change resends its own. */
#define CON_TILE_COLS	8
#define CON_TILE_ROWS	4
/* How long the terminal has to answer the device attributes query. */
#define CON_DA1_MS	500
/* A cell the terminal may not show as we think: drawn again. */
#define CON_UNKNOWN	0xffffffffU

/* Colours the terminal takes. */
enum con_depth {
	CON_16,
	CON_256,
	CON_TRUECOLOR
};

/* How graphical frames are drawn. */
enum con_gfx {
	GFX_HALFBLOCK,
	GFX_SIXEL,
	GFX_KITTY
};

struct con {
	char		*name;
	enum con_gfx	 gfx;
	int		 image;		/* a frame waits to go as pixels */
	int		 image_shown;	/* the terminal shows our picture */
	struct vnc	*vnc;
	struct ts_fonts	*fonts;		/* NULL: pixels only */
	struct ts_screen ts;
	int		 text;		/* the last frame was text */
	int		 gw, gh;	/* the guest's screen in pixels */
	struct cr_cell	*want;		/* the frame, in terminal cells */
	struct cr_cell	*shown;		/* what the terminal shows */
	int		 cols, rows;	/* of want and shown */
	int		 oy, ox;	/* the terminal cell of want's top left */
	struct embed	*em;		/* in a pane, else NULL: full screen */
	int		 cur_x, cur_y;	/* the guest's cursor cell, or -1 */
	int		 off_x, off_y;	/* the guest cell at the top left */
	int		 pending;	/* the guest changed since the render */
	uint64_t	 next_frame;
	uint64_t	 retry_at;
	char		*error;		/* why it is disconnected */
	int		 was_top;
	int		 status_row;	/* a row the app's status line covers */
	int		 nc_x, nc_y;	/* where ncurses put the cursor */
	int		 nc_moved;	/* ncurses may have written: see drawn */
	char		*line;		/* our status line, as last drawn */
	enum con_depth	 depth;
	struct cr_view	 view;		/* zoom and pan of pixel frames */
	struct cr_place	 place;		/* where pixels landed */
	uint8_t		*rgb;		/* the picture as last sent, scaled */
	size_t		 rgblen;
	struct cr_place	 sent;		/* where it was sent */
	struct vnc_rect	 dirty;		/* guest pixels changed since */
	int		 have_dirty;
	int		 buttons;	/* RFB button mask held */
	mmask_t		 oldmask;	/* the desktop's mouse events */
	int		 sysrq;		/* the next key goes with Alt-SysRq */
	int		 latched;	/* VNC_MOD_*: held for the next key */
	int		 panning;	/* keys pan and zoom, none go in */
	char		*out;		/* the escapes of one update */
	size_t		 outlen, outcap;
	int		 paste;		/* CON_PASTE_* */
	char		*pbuf;		/* pasted text, typed paced */
	size_t		 plen, ppos, pcap;
	uint64_t	 pnext;		/* when its next key goes */
};

/* Bracketed paste: off, asked of the terminal, or a paste coming in. */
enum {
	CON_PASTE_OFF,
	CON_PASTE_ARMED,
	CON_PASTE_READING
};
/* The key codes ncurses gives for the terminal's paste brackets. */
#define CON_KEY_PASTE_BEGIN	(KEY_MAX + 1)
#define CON_KEY_PASTE_END	(KEY_MAX + 2)

static void	con_leave(struct app *, struct con *);
static void	con_send(struct con *, const struct conkey *);
static void	con_paste_step(struct con *, uint64_t);
static int	con_paste_key(struct app *, struct con *, int);
static void	con_paste_off(struct con *);
static void	con_write(const char *, size_t);
static void	con_place(struct con *);
static void	con_state(struct con *, char *, size_t);

/* ---- Rendering ---------------------------------------------------------- */

static void
con_size(struct con *c, int cols, int rows)
{
	size_t	n;

	if (cols == c->cols && rows == c->rows && c->want != NULL)
		return;
	c->cols = cols;
	c->rows = rows;
	n = (size_t)(cols > 0 ? cols : 1) * (size_t)(rows > 0 ? rows : 1);
	free(c->want);
	free(c->shown);
	c->want = xcalloc(n, sizeof *c->want);
	c->shown = xcalloc(n, sizeof *c->shown);
	while (n-- > 0)
		c->shown[n].ch = CON_UNKNOWN;
}

/*
 * Something may have drawn over our picture (a menu, a status line): the
 * next update sends all of it, not only what the guest changed.
 */
static void
con_resend_picture(struct con *c)
{
	memset(&c->sent, 0, sizeof c->sent);
	c->image = !c->text && c->gfx != GFX_HALFBLOCK;
}

/* Forget what the terminal shows: the next update sends every cell. */
static void
con_invalidate(struct con *c)
{
	size_t	i;

	for (i = 0; i < (size_t)c->cols * (size_t)c->rows; i++)
		c->shown[i].ch = CON_UNKNOWN;
	con_resend_picture(c);
}

/* The guest's frame into want: as text when it is text, else pixels. */
static void
con_render(struct con *c)
{
	const uint8_t	*px;
	struct ts_cell	*tc;
	struct cr_cell	*wc;
	int		 x, y, gx, gy, was_text = c->text;

	px = vnc_pixels(c->vnc, &c->gw, &c->gh);
	c->text = c->fonts != NULL && ts_match(c->fonts, px, c->gw, c->gh,
	    &c->ts);
	if (c->text != was_text)
		log_debug("console %s: %s", c->name, c->text ? "text" :
		    "pixels");
	if (!c->text) {
		/* The view places pictures and mouse events in any mode. */
		con_place(c);
		c->cur_x = c->cur_y = -1;
		c->image = c->gfx != GFX_HALFBLOCK;
		if (!c->image) {
			cr_render_view(px, c->gw, c->gh, &c->place, c->want,
			    c->cols, c->rows);
			return;
		}
		/* Under a picture the cells are black: no half-block edges. */
		for (x = 0; x < c->cols * c->rows; x++) {
			c->want[x].ch = ' ';
			c->want[x].fg = c->want[x].bg = 0;
		}
		return;
	}
	/*
	 * The guest's cursor blinks: in its off phase no cell shows it, and
	 * it stays where it was (so a blink costs nothing).
	 */
	if (c->ts.cur_x >= 0) {
		c->cur_x = c->ts.cur_x;
		c->cur_y = c->ts.cur_y;
	} else if (!was_text)
		c->cur_x = c->cur_y = -1;
	if (c->cur_x >= c->ts.cols || c->cur_y >= c->ts.rows)
		c->cur_x = c->cur_y = -1;
	/* A screen larger than the terminal pans to keep the cursor in. */
	if (c->cur_x >= 0) {
		if (c->cur_x < c->off_x)
			c->off_x = c->cur_x;
		if (c->cur_x >= c->off_x + c->cols)
			c->off_x = c->cur_x - c->cols + 1;
		if (c->cur_y < c->off_y)
			c->off_y = c->cur_y;
		if (c->cur_y >= c->off_y + c->rows)
			c->off_y = c->cur_y - c->rows + 1;
	}
	if (c->off_x > c->ts.cols - c->cols)
		c->off_x = c->ts.cols - c->cols;
	if (c->off_y > c->ts.rows - c->rows)
		c->off_y = c->ts.rows - c->rows;
	if (c->off_x < 0)
		c->off_x = 0;
	if (c->off_y < 0)
		c->off_y = 0;
	for (y = 0; y < c->rows; y++) {
		for (x = 0; x < c->cols; x++) {
			wc = &c->want[(size_t)y * (size_t)c->cols + (size_t)x];
			gx = x + c->off_x;
			gy = y + c->off_y;
			if (gx >= c->ts.cols || gy >= c->ts.rows) {
				wc->ch = ' ';
				wc->fg = wc->bg = 0;
				continue;
			}
			tc = &c->ts.cells[(size_t)gy * (size_t)c->ts.cols +
			    (size_t)gx];
			wc->ch = tc->ch;
			wc->bg = tc->bg;
			/* A blank's foreground shows nowhere: no cost. */
			wc->fg = tc->ch == ' ' ? tc->bg : tc->fg;
		}
	}
}

static void
con_put(struct con *c, const char *s, size_t n)
{
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2 + 4096;
		c->out = xrealloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
}

static void
con_putf(struct con *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
con_putf(struct con *c, const char *fmt, ...)
{
	va_list	ap;
	char	buf[64];
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		con_put(c, buf, (size_t)n < sizeof buf ? (size_t)n :
		    sizeof buf - 1);
}

static void
con_put_utf8(struct con *c, uint32_t ch)
{
	char	b[4];

	con_put(c, b, str_utf8_put(ch, b));
}

static void
con_put_colour(struct con *c, int fg, uint32_t rgb)
{
	int	i;

	switch (c->depth) {
	case CON_TRUECOLOR:
		con_putf(c, "%d;2;%u;%u;%u", fg ? 38 : 48, rgb >> 16 & 0xff,
		    rgb >> 8 & 0xff, rgb & 0xff);
		break;
	case CON_256:
		con_putf(c, "%d;5;%d", fg ? 38 : 48, cr_256(rgb));
		break;
	case CON_16:
		/* 30-37 and 90-97; backgrounds 40-47 and 100-107. */
		i = cr_16(rgb);
		con_putf(c, "%d", (fg ? 30 : 40) + (i < 8 ? i : 60 + i - 8));
		break;
	}
}

/* Half of each: what a half block shows from afar. */
static uint32_t
con_mix(uint32_t a, uint32_t b)
{
	return (((a >> 1) & 0x7f7f7f) + ((b >> 1) & 0x7f7f7f));
}

/* Without UTF-8: box drawing and blocks as ASCII lines, the rest '?'. */
static uint32_t
con_ascii(uint32_t ch)
{
	static const struct {
		uint32_t	ch;
		char		ascii;
	} lines[] = {
		{ 0x2500, '-' }, { 0x2501, '-' }, { 0x2550, '=' },
		{ 0x2502, '|' }, { 0x2503, '|' }, { 0x2551, '|' },
	};
	size_t	i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		if (lines[i].ch == ch)
			return ((uint32_t)lines[i].ascii);
	}
	if (ch >= 0x2500 && ch < 0x2580)
		return ('+');
	if (ch >= 0x2580 && ch < 0x25a0)
		return ('#');
	return ('?');
}

/*
 * Send the cells that changed, straight to the terminal after ncurses'
 * doupdate(): ncurses believes the area blank and never touches it; the
 * cursor and attributes are saved and restored around our escapes. An
 * idle guest sends nothing.
 */
static void
con_emit(struct app *app, struct con *c)
{
	struct cr_cell	*w, *sh, cell;
	uint32_t	 fg = CON_UNKNOWN, bg = CON_UNKNOWN;
	int		 x, y, at_x = -1, at_y = -1;
	size_t		 off;
	ssize_t		 n;

	c->outlen = 0;
	for (y = 0; y < c->rows; y++) {
		if (y == c->status_row)
			continue;
		for (x = 0; x < c->cols; x++) {
			w = &c->want[(size_t)y * (size_t)c->cols + (size_t)x];
			sh = &c->shown[(size_t)y * (size_t)c->cols + (size_t)x];
			if (w->ch == sh->ch && w->fg == sh->fg &&
			    w->bg == sh->bg)
				continue;
			*sh = *w;
			cell = *w;
			if (!app->utf8 && cell.ch >= 0x80) {
				if (cell.ch == CR_UPPER_HALF)
					cell.bg = con_mix(cell.fg, cell.bg);
				cell.ch = cell.ch == CR_UPPER_HALF ? ' ' :
				    con_ascii(cell.ch);
			}
			if (c->outlen == 0)
				con_put(c, "\0337", 2);
			if (x != at_x || y != at_y)
				con_putf(c, "\033[%d;%dH", c->oy + y + 1,
				    c->ox + x + 1);
			if (cell.fg != fg || cell.bg != bg) {
				con_put(c, "\033[0;", 4);
				con_put_colour(c, 1, cell.fg);
				con_put(c, ";", 1);
				con_put_colour(c, 0, cell.bg);
				con_put(c, "m", 1);
				fg = cell.fg;
				bg = cell.bg;
			}
			con_put_utf8(c, cell.ch);
			at_x = x + 1;
			at_y = y;
			if (c->ox + at_x >= COLS)
				at_x = -1;
		}
	}
	if (c->outlen == 0)
		return;
	con_put(c, "\033[0m\0338", 6);
	for (off = 0; off < c->outlen; off += (size_t)n) {
		if ((n = write(STDOUT_FILENO, c->out + off,
		    c->outlen - off)) <= 0)
			break;
	}
}

/* ---- Real pixels ------------------------------------------------------- */

static void
con_write(const char *buf, size_t len)
{
	size_t	off;
	ssize_t	n;

	for (off = 0; off < len; off += (size_t)n) {
		if ((n = write(STDOUT_FILENO, buf + off, len - off)) <= 0)
			break;
	}
}

/*
 * Whether the terminal draws sixels: its answer to DA1 (CSI c) lists 4.
 * Asked once; the answer comes on stdin before any key typed after it.
 */
static int
con_has_sixel(void)
{
	static int	 known = -1;
	struct pollfd	 pfd;
	uint64_t	 end;
	char		 buf[128], *p, *tok, *save;
	size_t		 len = 0;
	ssize_t		 n;
	int		 wait;

	if (known != -1)
		return (known);
	known = 0;
	con_write("\033[c", 3);
	end = time_mono_ms() + CON_DA1_MS;
	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	while (len < sizeof buf - 1) {
		wait = (int)(end > time_mono_ms() ? end - time_mono_ms() : 0);
		if (wait == 0 || poll(&pfd, 1, wait) <= 0)
			break;
		if ((n = read(STDIN_FILENO, buf + len, 1)) <= 0)
			break;
		len += (size_t)n;
		if (buf[len - 1] == 'c')
			break;
	}
	buf[len] = '\0';
	if ((p = strstr(buf, "\033[?")) == NULL || len == 0 ||
	    buf[len - 1] != 'c')
		return (known);
	buf[len - 1] = '\0';
	for (tok = strtok_r(p + 3, ";", &save); tok != NULL;
	    tok = strtok_r(NULL, ";", &save)) {
		if (strcmp(tok, "4") == 0)
			known = 1;
	}
	log_debug("console: DA1 answer %s: sixel %s", p + 3, known ? "yes" :
	    "no");
	return (known);
}

/* The setting, or what the terminal says it has. */
static enum con_gfx
con_graphics(struct app *app)
{
	const char	*g = app->settings->graphics, *term;

	if (g == NULL || strcmp(g, "halfblock") == 0)
		return (GFX_HALFBLOCK);
	if (strcmp(g, "sixel") == 0)
		return (GFX_SIXEL);
	if (strcmp(g, "kitty") == 0)
		return (GFX_KITTY);
	term = getenv("TERM");
	if (term != NULL && strcmp(term, "xterm-kitty") == 0)
		return (GFX_KITTY);
	return (con_has_sixel() ? GFX_SIXEL : GFX_HALFBLOCK);
}

/* A terminal cell in pixels, as the terminal says, else a guess. */
static void
con_cell_pixels(int *cw, int *ch)
{
	struct winsize	ws;

	*cw = 8;
	*ch = 16;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0 && ws.ws_xpixel >= ws.ws_col &&
	    ws.ws_ypixel >= ws.ws_row) {
		*cw = ws.ws_xpixel / ws.ws_col;
		*ch = ws.ws_ypixel / ws.ws_row;
	}
}

/*
 * Where the view of the frame lands: in half blocks (a cell is one pixel
 * by two), or in the terminal's own pixels, whose cell size keeps the
 * aspect; the place also says which cells the picture covers, for the
 * mouse.
 */
static void
con_place(struct con *c)
{
	int	cw = 1, ch = 2, step = 2;

	if (c->gfx != GFX_HALFBLOCK) {
		con_cell_pixels(&cw, &ch);
		/* Sixel bands are 6 pixels: a last partial one must not spill. */
		step = c->gfx == GFX_SIXEL ? 6 : 1;
	}
	cr_view_place(&c->view, c->gw, c->gh, c->cols, c->rows, cw, ch, step,
	    &c->place);
}

/*
 * The part of the sent picture the guest changed since, widened to whole
 * cells: in the picture's own pixels. 0 when nothing in view changed.
 */
static int
con_dirty_part(struct con *c, struct cr_rect *part)
{
	const struct cr_place	*pl = &c->place;
	const struct cr_rect	*src = &pl->src;
	const struct vnc_rect	*d = &c->dirty;
	long			 x0, y0, x1, y1;

	if (d->x + d->w <= src->x || d->x >= src->x + src->w ||
	    d->y + d->h <= src->y || d->y >= src->y + src->h)
		return (0);
	/* A pixel more each side: scaling mixes neighbours. */
	x0 = (long)(d->x - src->x) * pl->pw / src->w - 1;
	y0 = (long)(d->y - src->y) * pl->ph / src->h - 1;
	x1 = ((long)(d->x + d->w - src->x) * pl->pw + src->w - 1) / src->w + 1;
	y1 = ((long)(d->y + d->h - src->y) * pl->ph + src->h - 1) / src->h + 1;
	x0 = x0 < 0 ? 0 : x0 / pl->cw * pl->cw;
	y0 = y0 < 0 ? 0 : y0 / pl->ch * pl->ch;
	x1 = (x1 + pl->cw - 1) / pl->cw * pl->cw;
	y1 = (y1 + pl->ch - 1) / pl->ch * pl->ch;
	part->x = (int)x0;
	part->y = (int)y0;
	part->w = (int)((x1 > pl->pw ? pl->pw : x1) - x0);
	part->h = (int)((y1 > pl->ph ? pl->ph : y1) - y0);
	return (part->w > 0 && part->h > 0);
}

/* Part of the picture, drawn from its top left cell. */
static void
con_emit_part(struct con *c, int x, int y, int w, int h, unsigned id)
{
	const struct cr_place	*pl = &c->place;
	char			*img, *cause = NULL, pos[32];
	size_t			 len;
	int			 n;

	img = tg_encode_part(c->gfx == GFX_KITTY ? TG_KITTY : TG_SIXEL,
	    c->rgb, pl->pw, pl->ph, x, y, w, h, id, &len, &cause);
	if (img == NULL) {
		log_debug("console %s: %s", c->name, cause);
		free(cause);
		return;
	}
	n = snprintf(pos, sizeof pos, "\0337\033[%d;%dH", c->oy + pl->fit.y +
	    y / pl->ch + 1, c->ox + pl->fit.x + x / pl->cw + 1);
	con_write(pos, (size_t)n);
	con_write(img, len);
	con_write("\0338", 2);
	free(img);
}

/*
 * Kitty: the tiles the part touches, each its own image (the protocol
 * replaces an image of the same id; editing part of one is not honoured
 * by every kitty). A new picture first takes every old tile away.
 */
static void
con_emit_kitty(struct con *c, const struct cr_rect *part, int full)
{
	const struct cr_place	*pl = &c->place;
	int			 tw = CON_TILE_COLS * pl->cw;
	int			 th = CON_TILE_ROWS * pl->ch;
	int			 ntx = (pl->pw + tw - 1) / tw, i, j, x, y;

	if (full)
		con_write(tg_kitty_clear(), strlen(tg_kitty_clear()));
	for (j = part->y / th; j * th < part->y + part->h; j++) {
		for (i = part->x / tw; i * tw < part->x + part->w; i++) {
			x = i * tw;
			y = j * th;
			con_emit_part(c, x, y, pl->pw - x < tw ? pl->pw - x : tw,
			    pl->ph - y < th ? pl->ph - y : th,
			    TG_KITTY_ID + 1 + (unsigned)(j * ntx + i));
		}
	}
}

/*
 * Sixel: the part as one image. Sixel draws bands of 6 pixels, so its
 * height is rounded up to that; where that would spill below the
 * picture, the whole picture goes (its height is a multiple of 6).
 */
static void
con_emit_sixel(struct con *c, struct cr_rect *part)
{
	const struct cr_place	*pl = &c->place;
	int			 h = (part->h + 5) / 6 * 6;

	if (part->y + h <= pl->ph)
		part->h = h;
	else if ((pl->ph - part->y) % 6 == 0)
		part->h = pl->ph - part->y;
	else {
		part->x = part->y = 0;
		part->w = pl->pw;
		part->h = pl->ph;
	}
	con_emit_part(c, part->x, part->y, part->w, part->h, 0);
}

/*
 * The frame as real pixels over the cells the half blocks would take:
 * all of it when the picture is new or moved, else only what changed.
 */
static void
con_emit_image(struct con *c)
{
	const uint8_t	*px;
	struct cr_place	*pl = &c->place;
	struct cr_rect	 part;
	size_t		 n;
	int		 full;

	c->image = 0;
	if ((px = vnc_pixels(c->vnc, &c->gw, &c->gh)) == NULL ||
	    c->gw <= 0 || c->gh <= 0 || c->cols <= 0 || c->rows <= 0)
		return;
	/* The frame may have changed size since it was rendered. */
	con_place(c);
	if (pl->pw < 1 || pl->ph < 1)
		return;
	full = !c->image_shown || memcmp(&c->sent, pl, sizeof *pl) != 0;
	if (full) {
		part.x = part.y = 0;
		part.w = pl->pw;
		part.h = pl->ph;
	} else if (!c->have_dirty || !con_dirty_part(c, &part)) {
		c->have_dirty = 0;
		return;
	}
	n = (size_t)pl->pw * (size_t)pl->ph * 3;
	if (n != c->rgblen) {
		c->rgb = xrealloc(c->rgb, n);
		c->rgblen = n;
	}
	tg_scale_rect(px, c->gw, &pl->src, c->rgb, pl->pw, pl->ph);
	if (c->gfx == GFX_KITTY)
		con_emit_kitty(c, &part, full);
	else
		con_emit_sixel(c, &part);
	c->sent = *pl;
	c->have_dirty = 0;
	c->image_shown = 1;
}

/* Take our picture away: text comes back, or another screen covers us. */
static void
con_clear_image(struct con *c)
{
	if (!c->image_shown)
		return;
	if (c->gfx == GFX_KITTY)
		con_write(tg_kitty_clear(), strlen(tg_kitty_clear()));
	c->image_shown = 0;
	con_invalidate(c);
}

/* ---- The screen --------------------------------------------------------- */

static struct app_vm *
con_vm(struct app *app, struct con *c)
{
	return (app_vm_find(app, c->name));
}

static void
con_connect(struct app *app, struct con *c)
{
	char	*cause = NULL;

	if (vnc_connect(c->vnc, &cause) != 0) {
		free(c->error);
		c->error = cause;
		c->retry_at = time_mono_ms() + CON_RETRY_MS;
		return;
	}
	free(c->error);
	c->error = NULL;
	c->pending = 1;
	app->dirty = 1;
}

static int
con_fd(struct screen *s)
{
	struct con	*c = s->data;

	return (c->vnc != NULL ? vnc_fd(c->vnc) : -1);
}

static int
con_timeout(struct screen *s)
{
	struct con	*c = s->data;
	uint64_t	 now = time_mono_ms(), when;

	if (c->vnc == NULL)
		return (-1);
	if (!vnc_connected(c->vnc))
		when = c->retry_at;
	else if (c->pending)
		when = c->next_frame;
	else if (c->ppos < c->plen)
		when = c->pnext;
	else
		return (-1);
	if (c->ppos < c->plen && c->pnext < when)
		when = c->pnext;
	return (when > now ? (int)(when - now) : 0);
}

/* What the guest changed, kept until pixels go out. */
static void
con_dirty_add(struct con *c, const struct vnc_rect *r)
{
	struct vnc_rect	*d = &c->dirty;
	int		 x1, y1;

	if (!c->have_dirty) {
		*d = *r;
		c->have_dirty = 1;
		return;
	}
	x1 = d->x + d->w > r->x + r->w ? d->x + d->w : r->x + r->w;
	y1 = d->y + d->h > r->y + r->h ? d->y + d->h : r->y + r->h;
	d->x = d->x < r->x ? d->x : r->x;
	d->y = d->y < r->y ? d->y : r->y;
	d->w = x1 - d->x;
	d->h = y1 - d->y;
}

static void
con_ready(struct app *app, struct screen *s, int revents)
{
	struct con	*c = s->data;
	struct vnc_rect	 r;
	uint64_t	 now = time_mono_ms();
	char		*cause = NULL;
	int		 resized;

	if (c->vnc == NULL)
		return;
	if (vnc_connected(c->vnc) && (revents & (POLLIN|POLLHUP|POLLERR)) &&
	    vnc_read(c->vnc, &cause) != 0) {
		log_debug("console %s: %s", c->name, cause);
		free(c->error);
		c->error = cause;
		c->retry_at = now + CON_RETRY_MS;
		app->dirty = 1;
	}
	if (!vnc_connected(c->vnc) && now >= c->retry_at)
		con_connect(app, c);
	if (vnc_take_dirty(c->vnc, &r, &resized)) {
		c->pending = 1;
		con_dirty_add(c, &r);
	}
	if (c->pending && now >= c->next_frame) {
		con_render(c);
		c->pending = 0;
		c->next_frame = now + (c->image ? CON_IMAGE_MS : CON_FRAME_MS);
		app->dirty = 1;
	}
	con_paste_step(c, now);
}

/*
 * Whether our cells may go to the terminal: full screen, when we are the
 * top screen; in a pane, when the screen holding it is (a dialog over it
 * covers us).
 */
static int
con_on_top(struct app *app, struct screen *s)
{
	struct con	*c = s->data;
	struct screen	*top = app->stack[app->depth - 1];

	return (c->em != NULL ? top == c->em->host : top == s);
}

static void
con_drawn(struct app *app, struct screen *s)
{
	struct con	*c = s->data;
	int		 top = con_on_top(app, s);

	if (!top) {
		/* Kitty's pictures lie above text: off while covered. */
		if (c->was_top && c->gfx == GFX_KITTY)
			con_clear_image(c);
		c->was_top = 0;
		return;
	}
	/*
	 * ncurses scrolls or deletes whole rows when the list beside a pane
	 * shifts (it optimises with the terminal's scroll region), and our
	 * cells move with them.
	 */
	if (c->em != NULL && c->em->repaint) {
		c->em->repaint = 0;
		con_invalidate(c);
	}
	if (!c->was_top) {
		con_invalidate(c);
		c->image = !c->text && c->gfx != GFX_HALFBLOCK;
		c->was_top = 1;
	}
	if (c->gfx != GFX_HALFBLOCK && !c->text && c->vnc != NULL &&
	    vnc_connected(c->vnc)) {
		/* The cells around the picture: black, as half blocks. */
		if (!c->image_shown)
			con_emit(app, c);
		if (c->image || !c->image_shown)
			con_emit_image(c);
		c->nc_moved = 0;
		return;
	}
	if (c->image_shown)
		con_clear_image(c);
	/*
	 * ncurses moves the cursor to the guest's cursor after its own
	 * output, and to go right it may reprint what it believes is on the
	 * row: blanks, over our cells. Send that row again after any move.
	 */
	if (c->nc_moved && c->nc_y >= 0 && c->nc_y < c->rows)
		memset(c->shown + (size_t)c->nc_y * (size_t)c->cols, 0xff,
		    (size_t)c->cols * sizeof *c->shown);
	c->nc_moved = 0;
	con_emit(app, c);
}

static void
con_draw(struct app *app, struct screen *s)
{
	struct con	*c = s->data;
	const struct tui_key *k;
	char		 mode[64], state[128], *line;
	int		 rows, cols, oy, ox, line_y, x, y, focused;
	int		 top = con_on_top(app, s);
	int		 status_row;

	/* Full screen: the terminal but its last row, which is our line. */
	if (c->em == NULL) {
		oy = ox = 0;
		cols = COLS;
		rows = LINES - 1;
		line_y = LINES - 1;
	} else {
		oy = c->em->y + 1;
		ox = c->em->x;
		cols = c->em->w;
		rows = c->em->h - 1;
		line_y = c->em->y;
	}
	focused = top && (c->em == NULL || c->em->focused);
	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	if (oy != c->oy || ox != c->ox) {
		c->oy = oy;
		c->ox = ox;
		con_invalidate(c);
	}
	if (cols != c->cols || rows != c->rows) {
		con_size(c, cols, rows);
		if (c->vnc != NULL && vnc_pixels(c->vnc, &c->gw, &c->gh) !=
		    NULL)
			con_render(c);
	}
	/* The app's status line lies over our last row while it shows. */
	status_row = app->status != NULL && app->status_until >
	    time_mono_ms() ? LINES - 2 - c->oy : -1;
	if (status_row != c->status_row) {
		if (c->status_row >= 0 && c->status_row < c->rows)
			memset(c->shown + (size_t)c->status_row *
			    (size_t)c->cols, 0xff, (size_t)c->cols *
			    sizeof *c->shown);
		c->status_row = status_row;
		c->nc_moved = 1;
		con_resend_picture(c);
	}
	k = keys_for(ACT_CONSOLE_MENU, KEYS_CONSOLE);
	/* In a pane without the focus: the key that gives it. */
	if (c->em != NULL && !c->em->focused)
		k = keys_for(ACT_PANE_FOCUS, KEYS_MAIN);
	if (c->vnc == NULL || !vnc_connected(c->vnc))
		line = xasprintf("%s  disconnected %s reconnecting%s%s  %s "
		    "%s", c->name, app->utf8 ? "\u2014" : "-", c->error !=
		    NULL ? ": " : "", c->error != NULL ? c->error : "", k !=
		    NULL ? k->name : "", c->em != NULL && !c->em->focused ?
		    "types here" : "menu");
	else {
		if (c->text)
			snprintf(mode, sizeof mode, "text %dx%d%s", c->ts.cols,
			    c->ts.rows, c->ts.cols > c->cols || c->ts.rows >
			    c->rows ? " (panned: enlarge the terminal)" : "");
		else
			snprintf(mode, sizeof mode, "pixels%s",
			    c->gfx == GFX_SIXEL ? " (sixel)" : c->gfx ==
			    GFX_KITTY ? " (kitty)" : "");
		con_state(c, state, sizeof state);
		line = xasprintf("%s  %s  %dx%d  %s%s %s", c->name, mode,
		    c->gw, c->gh, state, k != NULL ? k->name : "",
		    c->em != NULL && !c->em->focused ? "types here" : "menu");
	}
	/* A pane's title is highlighted while its keys go to the guest. */
	attrset(draw_attr(c->em == NULL || focused ? ROLE_TITLE : ROLE_DIM));
	mvhline(line_y, c->ox, ' ', cols);
	draw_text(line_y, c->ox + 1, cols - 2, line);
	attrset(A_NORMAL);
	if (c->line == NULL || strcmp(c->line, line) != 0)
		c->nc_moved = 1;
	free(c->line);
	c->line = line;
	x = c->cur_x - c->off_x;
	y = c->cur_y - c->off_y;
	if (focused && c->text && c->cur_x >= 0 && x >= 0 && y >= 0 &&
	    x < c->cols && y < c->rows && c->vnc != NULL &&
	    vnc_connected(c->vnc)) {
		move(c->oy + y, c->ox + x);
		curs_set(1);
		if (x != c->nc_x || y != c->nc_y)
			c->nc_moved = 1;
		c->nc_x = x;
		c->nc_y = y;
	} else {
		curs_set(0);
		c->nc_x = c->nc_y = -1;
	}
}

/*
 * A terminal mouse event as an absolute pointer event (QEMU's USB tablet):
 * the guest pixel under the cell, through the zoomed view; buttons as
 * RFB's mask (1 left, 2 middle, 4 right, 8 and 16 the wheel, pressed and
 * released at once).
 */
static void
con_mouse(struct con *c)
{
	static const struct {
		mmask_t	press, release;
		int	bit;
	} buttons[] = {
		{ BUTTON1_PRESSED, BUTTON1_RELEASED, 1 },
		{ BUTTON2_PRESSED, BUTTON2_RELEASED, 2 },
		{ BUTTON3_PRESSED, BUTTON3_RELEASED, 4 },
	};
	MEVENT	ev;
	size_t	i;
	int	x, y, wheel = 0;

	if (getmouse(&ev) != OK || c->vnc == NULL || !vnc_connected(c->vnc))
		return;
	if (c->text) {
		x = ev.x - c->ox + c->off_x;
		y = ev.y - c->oy + c->off_y;
		if (x < c->off_x || y < c->off_y)
			return;
		if (x >= c->ts.cols || y >= c->ts.rows)
			return;
		x = x * c->ts.cw + c->ts.cw / 2;
		y = y * c->ts.chh + c->ts.chh / 2;
	} else if (!cr_view_pixel(&c->place, ev.x - c->ox, ev.y - c->oy, &x,
	    &y) || x >= c->gw || y >= c->gh)
		return;
	for (i = 0; i < sizeof buttons / sizeof buttons[0]; i++) {
		if (ev.bstate & buttons[i].press)
			c->buttons |= buttons[i].bit;
		if (ev.bstate & buttons[i].release)
			c->buttons &= ~buttons[i].bit;
	}
	if (ev.bstate & BUTTON4_PRESSED)
		wheel = 8;
	if (ev.bstate & BUTTON5_PRESSED)
		wheel = 16;
	vnc_pointer(c->vnc, x, y, c->buttons | wheel);
	if (wheel != 0)
		vnc_pointer(c->vnc, x, y, c->buttons);
}

/* What the status line says besides the mode: held keys, zoom, pan. */
static void
con_state(struct con *c, char *buf, size_t len)
{
	char	mods[32], zoom[32];

	conkeys_mods_name(c->latched, mods, sizeof mods);
	zoom[0] = '\0';
	if (!c->text && c->view.level > 0 && c->place.den > 0)
		snprintf(zoom, sizeof zoom, "zoom %d%%  ", (int)((long long)
		    c->place.num * 100 / c->place.den));
	snprintf(buf, len, "%s%s%s%s%s", zoom, c->panning ? "pan: arrows, "
	    "+ - 0 zoom, Esc ends  " : "", mods, mods[0] != '\0' ?
	    " held  " : "", c->sysrq ? "SysRq: type its key  " : "");
}

/* The view moved: draw the frame again now. */
static void
con_view_changed(struct app *app, struct con *c)
{
	if (c->vnc != NULL && vnc_pixels(c->vnc, &c->gw, &c->gh) != NULL)
		con_render(c);
	app->dirty = 1;
}

/* Zoom the pixel frame in (1), out (-1), or back to the fit (0). */
static void
con_zoom(struct app *app, struct con *c, int dir)
{
	if (c->text) {
		app_say(app, 0, "%s: a text screen shows one cell a character; "
		    "only pixels zoom", c->name);
		return;
	}
	if (cr_view_zoom(&c->view, &c->place, dir))
		con_view_changed(app, c);
	else if (dir != 0)
		app_say(app, 0, "%s: no zoom %s of this one", c->name,
		    dir > 0 ? "closer" : "further out");
}

enum con_pan_act {
	PAN_MOVE,
	PAN_ZOOM,
	PAN_END
};

/* Keys while panning: the view moves, nothing goes to the guest. */
static const struct {
	int			key;
	enum con_pan_act	act;
	int			dx, dy;
} con_pan_keys[] = {
	{ KEY_LEFT, PAN_MOVE, -1, 0 }, { 'h', PAN_MOVE, -1, 0 },
	{ KEY_RIGHT, PAN_MOVE, 1, 0 }, { 'l', PAN_MOVE, 1, 0 },
	{ KEY_UP, PAN_MOVE, 0, -1 }, { 'k', PAN_MOVE, 0, -1 },
	{ KEY_DOWN, PAN_MOVE, 0, 1 }, { 'j', PAN_MOVE, 0, 1 },
	{ '+', PAN_ZOOM, 1, 0 }, { '=', PAN_ZOOM, 1, 0 },
	{ '-', PAN_ZOOM, -1, 0 }, { '0', PAN_ZOOM, 0, 0 },
	{ 27, PAN_END, 0, 0 }, { '\r', PAN_END, 0, 0 }, { '\n', PAN_END, 0, 0 },
	{ KEY_ENTER, PAN_END, 0, 0 }, { 'q', PAN_END, 0, 0 },
	{ 'p', PAN_END, 0, 0 },
};

static int
con_pan_key(struct app *app, struct con *c, int key)
{
	size_t	i;

	for (i = 0; i < sizeof con_pan_keys / sizeof con_pan_keys[0]; i++) {
		if (con_pan_keys[i].key == key)
			break;
	}
	if (i == sizeof con_pan_keys / sizeof con_pan_keys[0])
		return (0);
	switch (con_pan_keys[i].act) {
	case PAN_MOVE:
		if (!c->text && cr_view_pan(&c->view, &c->place,
		    con_pan_keys[i].dx, con_pan_keys[i].dy))
			con_view_changed(app, c);
		break;
	case PAN_ZOOM:
		con_zoom(app, c, con_pan_keys[i].dx);
		break;
	case PAN_END:
		c->panning = 0;
		break;
	}
	return (1);
}

/* A key with its modifiers and the latched ones; the latch lets go. */
static void
con_send(struct con *c, const struct conkey *k)
{
	struct conkey_event	ev[CONKEYS_EVENTS];
	int			i, n, rc = 0;

	n = conkeys_events(k, c->latched, ev);
	c->latched = 0;
	/* Every release goes even after a failure: no modifier stays down. */
	for (i = 0; i < n; i++) {
		if (vnc_key(c->vnc, ev[i].keysym, ev[i].down) != 0)
			rc = -1;
	}
	if (rc != 0)
		log_debug("console %s: key not sent", c->name);
}

static int
con_key(struct app *app, struct screen *s, int key)
{
	struct con	*c = s->data;
	struct conkey	 k;
	int		 held;

	if (key == KEY_MOUSE) {
		con_mouse(c);
		return (0);
	}
	if (c->paste != CON_PASTE_OFF && con_paste_key(app, c, key))
		return (1);
	if (keys_lookup(key, KEYS_CONSOLE) == ACT_CONSOLE_MENU) {
		app_push(app, screen_console_menu(c));
		return (1);
	}
	if (c->panning)
		return (con_pan_key(app, c, key));
	if (c->vnc == NULL || !vnc_connected(c->vnc) || !conkeys_map(key, &k))
		return (0);
	if (c->sysrq) {
		/* Linux wants Alt and SysRq held around the command key. */
		c->sysrq = 0;
		if (vnc_key(c->vnc, VNC_KEY_ALT_L, 1) != 0 ||
		    vnc_key(c->vnc, VNC_KEY_SYS_REQ, 1) != 0 ||
		    vnc_press(c->vnc, k.keysym, 0) != 0 ||
		    vnc_key(c->vnc, VNC_KEY_SYS_REQ, 0) != 0 ||
		    vnc_key(c->vnc, VNC_KEY_ALT_L, 0) != 0)
			log_debug("console %s: SysRq not sent", c->name);
		return (1);
	}
	held = c->latched;
	con_send(c, &k);
	/* The status line said what was held. */
	return (held != 0);
}

static void
con_free(struct screen *s)
{
	struct con	*c = s->data;

	if (c->gfx == GFX_KITTY)
		con_clear_image(c);
	vnc_free(c->vnc);
	ts_fonts_free(c->fonts);
	ts_screen_clear(&c->ts);
	free(c->want);
	free(c->shown);
	free(c->rgb);
	con_paste_off(c);
	free(c->pbuf);
	free(c->out);
	free(c->line);
	free(c->error);
	free(c->name);
	if (c->em == NULL)
		mousemask(c->oldmask, NULL);
	free(c);
	/* Our cells stay on the terminal: ncurses paints it all again. */
	curs_set(0);
	clearok(curscr, TRUE);
}

static const struct screen_ops con_ops = {
	"console", KEYS_CONSOLE, 1, con_draw, con_key, con_free
};

static const struct screen_io con_io = {
	con_fd, con_timeout, con_ready, con_drawn
};

static struct screen *
con_create(struct app *app, const char *name, struct embed *em)
{
	struct screen	*s;
	struct app_vm	*vm;
	struct con	*c;
	const char	*ct;
	char		*cause = NULL;

	c = xcalloc(1, sizeof *c);
	c->name = xstrdup(name);
	c->em = em;
	c->cur_x = c->cur_y = -1;
	c->nc_x = c->nc_y = -1;
	c->status_row = -1;
	c->gfx = con_graphics(app);
	ct = getenv("COLORTERM");
	if (app->settings->truecolor || (ct != NULL &&
	    (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0)))
		c->depth = CON_TRUECOLOR;
	else
		c->depth = app->colors >= 256 ? CON_256 : CON_16;
	if ((c->fonts = ts_fonts_default(&cause)) == NULL) {
		log_debug("console %s: pixels only: %s", name, cause);
		free(cause);
		cause = NULL;
	}
	vm = app_vm_find(app, name);
	if (vm != NULL && vm->paths.vnc != NULL) {
		c->vnc = vnc_create(vm->paths.vnc);
		con_connect(app, c);
	} else
		c->error = xstrdup("no such VM");
	/* In a pane the mouse stays the desktop's: clicks pick the focus. */
	if (em == NULL)
		mousemask(BUTTON1_PRESSED|BUTTON1_RELEASED|BUTTON2_PRESSED|
		    BUTTON2_RELEASED|BUTTON3_PRESSED|BUTTON3_RELEASED|
		    BUTTON4_PRESSED|BUTTON5_PRESSED, &c->oldmask);
	s = app_screen(&con_ops, c);
	s->io = &con_io;
	return (s);
}

struct screen *
screen_console(struct app *app, const char *name)
{
	return (con_create(app, name, NULL));
}

struct screen *
screen_console_pane(struct app *app, const char *name, struct embed *em)
{
	return (con_create(app, name, em));
}

/* ---- Paste and copy ----------------------------------------------------- */

/* The terminal stops bracketing pastes. */
static void
con_paste_off(struct con *c)
{
	if (c->paste != CON_PASTE_OFF)
		con_write("\033[?2004l", 8);
	c->paste = CON_PASTE_OFF;
}

/*
 * Ask the terminal to bracket what it pastes: the person then pastes
 * with the terminal's own key, and the text comes between the brackets.
 */
static void
con_paste_arm(struct app *app, struct con *c)
{
	if (c->vnc == NULL || !vnc_connected(c->vnc)) {
		app_say(app, 1, "%s: not connected", c->name);
		return;
	}
	define_key("\033[200~", CON_KEY_PASTE_BEGIN);
	define_key("\033[201~", CON_KEY_PASTE_END);
	con_write("\033[?2004h", 8);
	c->paste = CON_PASTE_ARMED;
	app_say(app, 0, "paste now with your terminal's paste key (Esc: "
	    "cancel)");
}

/* A paste has ended: type it, when every character has a key. */
static void
con_paste_done(struct app *app, struct con *c)
{
	char	*cause = NULL;
	size_t	 i, n;

	con_paste_off(c);
	/* Terminals paste line ends as Return (CR); CR LF is one. */
	for (i = 0, n = 0; i < c->plen; i++) {
		if (c->pbuf[i] == '\r' && i + 1 < c->plen &&
		    c->pbuf[i + 1] == '\n')
			continue;
		c->pbuf[n++] = c->pbuf[i] == '\r' ? '\n' : c->pbuf[i];
	}
	c->plen = n;
	c->ppos = 0;
	c->pnext = time_mono_ms();
	if (typing_check(c->pbuf, c->plen, &cause) != 0) {
		app_say(app, 1, "nothing typed: %s", cause);
		free(cause);
		c->plen = 0;
		return;
	}
	app_say(app, 0, "typing %zu pasted characters", c->plen);
}

/* Keys while a paste is armed or coming in; 0 for those it leaves. */
static int
con_paste_key(struct app *app, struct con *c, int key)
{
	if (key == CON_KEY_PASTE_BEGIN) {
		c->paste = CON_PASTE_READING;
		c->plen = c->ppos = 0;
		return (1);
	}
	if (c->paste == CON_PASTE_ARMED) {
		if (key != 27)
			return (0);
		con_paste_off(c);
		app_say(app, 0, "paste cancelled");
		return (1);
	}
	if (key == CON_KEY_PASTE_END)
		con_paste_done(app, c);
	else if (key == KEY_ENTER || (key >= 0 && key < 256)) {
		if (c->plen == c->pcap) {
			c->pcap = c->pcap ? c->pcap * 2 : 256;
			c->pbuf = xrealloc(c->pbuf, c->pcap);
		}
		c->pbuf[c->plen++] = key == KEY_ENTER ? '\r' : (char)key;
	}
	return (1);
}

/*
 * The next key of a paste when it is due: one at a time, as vmdesk type
 * paces them, so the guest's keyboard queue never overflows.
 */
static void
con_paste_step(struct con *c, uint64_t now)
{
	struct conkey	k;

	if (c->ppos >= c->plen || now < c->pnext || c->vnc == NULL ||
	    !vnc_connected(c->vnc))
		return;
	if (conkeys_map((unsigned char)c->pbuf[c->ppos++], &k))
		con_send(c, &k);
	c->pnext = now + 2 * TYPING_PACE_MS;
	if (c->ppos == c->plen)
		c->plen = c->ppos = 0;
}

/* The text screen onto the terminal's clipboard (OSC 52). */
static void
con_copy(struct app *app, struct con *c)
{
	char	*text, *osc;

	if (!c->text) {
		app_say(app, 1, "%s: the screen shows pixels, not text: "
		    "nothing to copy", c->name);
		return;
	}
	text = ts_screen_text(&c->ts);
	osc = tg_osc52(text);
	con_write(osc, strlen(osc));
	app_say(app, 0, "copied the screen (%zu bytes) to the terminal's "
	    "clipboard", strlen(text));
	free(osc);
	free(text);
}

/* ---- The menu ----------------------------------------------------------- */

enum con_menu_act {
	CMENU_CAD,
	CMENU_FKEY,
	CMENU_LATCH,
	CMENU_ZOOM,
	CMENU_PAN,
	CMENU_HOTKEY,
	CMENU_SYSRQ,
	CMENU_SHOT,
	CMENU_PASTE,
	CMENU_COPY,
	CMENU_LEAVE
};

/* The menu's items; key, when not 0, chooses one from the menu. */
static const struct {
	enum con_menu_act	 act;
	int			 n;
	int			 key;
	const char		*label;
} con_menu_items[] = {
	{ CMENU_CAD, 0, 0, "Ctrl-Alt-Del" },
	{ CMENU_FKEY, 1, KEY_F(1), "Ctrl-Alt-F1" },
	{ CMENU_FKEY, 2, KEY_F(2), "Ctrl-Alt-F2" },
	{ CMENU_FKEY, 3, KEY_F(3), "Ctrl-Alt-F3" },
	{ CMENU_FKEY, 4, KEY_F(4), "Ctrl-Alt-F4" },
	{ CMENU_FKEY, 5, KEY_F(5), "Ctrl-Alt-F5" },
	{ CMENU_FKEY, 6, KEY_F(6), "Ctrl-Alt-F6" },
	{ CMENU_FKEY, 7, KEY_F(7), "Ctrl-Alt-F7" },
	{ CMENU_FKEY, 8, KEY_F(8), "Ctrl-Alt-F8" },
	{ CMENU_FKEY, 9, KEY_F(9), "Ctrl-Alt-F9" },
	{ CMENU_FKEY, 10, KEY_F(10), "Ctrl-Alt-F10" },
	{ CMENU_FKEY, 11, KEY_F(11), "Ctrl-Alt-F11" },
	{ CMENU_FKEY, 12, KEY_F(12), "Ctrl-Alt-F12" },
	{ CMENU_LATCH, VNC_MOD_CTRL, 'c',
	  "Ctrl held for the next key         (c)" },
	{ CMENU_LATCH, VNC_MOD_ALT, 'a',
	  "Alt held for the next key          (a)" },
	{ CMENU_LATCH, VNC_MOD_SHIFT, 'S',
	  "Shift held for the next key        (S)" },
	{ CMENU_LATCH, VNC_MOD_SUPER, 'w',
	  "Super (Win) held for the next key  (w)" },
	{ CMENU_ZOOM, 1, '+', "Zoom in on a pixel screen              (+)" },
	{ CMENU_ZOOM, -1, '-', "Zoom out                               (-)" },
	{ CMENU_ZOOM, 0, '0', "Fit the whole screen                   (0)" },
	{ CMENU_PAN, 0, 'p', "Pan and zoom: arrows, + - 0, Esc       (p)" },
	{ CMENU_HOTKEY, 0, 0, "Send the menu key itself to the guest" },
	{ CMENU_SYSRQ, 0, 'r', "SysRq: Alt-SysRq and the next key typed (r)" },
	{ CMENU_SHOT, 0, 's', "Save a screenshot in the VM's folder    (s)" },
	{ CMENU_PASTE, 0, 'v', "Paste: type what the terminal pastes   (v)" },
	{ CMENU_COPY, 0, 'y', "Copy the text screen to the clipboard  (y)" },
	{ CMENU_LEAVE, 0, 'q', "Leave the screen (the VM keeps running) (q)" },
};

#define CON_MENU_N	((int)(sizeof con_menu_items / sizeof con_menu_items[0]))

struct con_menu {
	struct con	*con;
	int		 cursor;
	int		 top;		/* the first item shown */
};

/* The menu scrolls when the terminal is shorter than it. */
static void
con_menu_draw(struct app *app, struct screen *s)
{
	struct con_menu	*m = s->data;
	const char	*label;
	char		*text;
	int		 i, w = 52, h = CON_MENU_N + 4, y0, x0, shown;

	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	shown = h - 4 > 1 ? h - 4 : 1;
	if (m->cursor < m->top)
		m->top = m->cursor;
	if (m->cursor >= m->top + shown)
		m->top = m->cursor - shown + 1;
	y0 = (LINES - h) / 2 > 0 ? (LINES - h) / 2 : 0;
	x0 = (COLS - w) / 2 > 0 ? (COLS - w) / 2 : 0;
	draw_box(y0, x0, h, w, "Send to the guest");
	for (i = 0; i < shown && m->top + i < CON_MENU_N &&
	    y0 + 2 + i < LINES; i++) {
		label = con_menu_items[m->top + i].label;
		attrset(draw_attr(m->top + i == m->cursor ? ROLE_SELECTED :
		    ROLE_DIALOG));
		mvhline(y0 + 2 + i, x0 + 1, ' ', w - 2);
		/* A latch shows whether it is on. */
		if (con_menu_items[m->top + i].act == CMENU_LATCH)
			text = xasprintf("[%c] %s", m->con->latched &
			    con_menu_items[m->top + i].n ? 'x' : ' ', label);
		else if (con_menu_items[m->top + i].act == CMENU_LEAVE &&
		    m->con->em != NULL)
			text = xstrdup("Back to the list (the pane stays)       (q)");
		else
			text = xstrdup(label);
		draw_text(y0 + 2 + i, x0 + 2, w - 4, text);
		free(text);
	}
	attrset(A_NORMAL);
}

/* A screenshot of the VM into its folder, by QEMU. */
static void
con_screenshot(struct app *app, struct con *c)
{
	struct app_vm	*vm = con_vm(app, c);
	struct qmp	*mon;
	struct tm	 tm;
	time_t		 t = time(NULL);
	char		 stamp[32], *file, *cause = NULL;

	if (vm == NULL) {
		app_say(app, 1, "%s: no such VM", c->name);
		return;
	}
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	file = xasprintf("%s/screenshot-%s.png", vm->paths.vmdir, stamp);
	mon = vm->mon;
	if (mon == NULL)
		mon = vmproc_monitor(&vm->paths, VMPROC_QMP_QUICK, &cause);
	if (mon == NULL || screenshot_save(mon, file, VMPROC_QMP_QUICK,
	    &cause) != 0)
		app_say(app, 1, "%s: %s", c->name, cause);
	else
		app_say(app, 0, "saved %s", file);
	if (mon != NULL && mon != vm->mon)
		qmp_close(mon);
	free(cause);
	free(file);
}

static void
con_menu_run(struct app *app, struct con *c, int item)
{
	struct vnc	*v = c->vnc;
	const struct tui_key *k;
	struct conkey	 ck;

	app_pop(app);
	switch (con_menu_items[item].act) {
	case CMENU_CAD:
		if (v != NULL)
			vnc_press(v, VNC_KEY_DELETE, VNC_MOD_CTRL|VNC_MOD_ALT);
		break;
	case CMENU_FKEY:
		if (v != NULL)
			vnc_press(v, VNC_KEY_F1 +
			    (uint32_t)(con_menu_items[item].n - 1),
			    VNC_MOD_CTRL|VNC_MOD_ALT);
		break;
	case CMENU_LATCH:
		c->latched ^= con_menu_items[item].n;
		c->sysrq = 0;
		break;
	case CMENU_ZOOM:
		con_zoom(app, c, con_menu_items[item].n);
		break;
	case CMENU_PAN:
		if (c->text)
			con_zoom(app, c, 0);
		else
			c->panning = 1;
		break;
	case CMENU_HOTKEY:
		k = keys_for(ACT_CONSOLE_MENU, KEYS_CONSOLE);
		if (v != NULL && vnc_connected(v) && k != NULL &&
		    conkeys_map(k->key, &ck))
			con_send(c, &ck);
		break;
	case CMENU_SYSRQ:
		c->sysrq = 1;
		c->latched = 0;
		break;
	case CMENU_SHOT:
		con_screenshot(app, c);
		break;
	case CMENU_PASTE:
		con_paste_arm(app, c);
		break;
	case CMENU_COPY:
		con_copy(app, c);
		break;
	case CMENU_LEAVE:
		con_leave(app, c);
		break;
	}
}

static int
con_menu_key(struct app *app, struct screen *s, int key)
{
	struct con_menu	*m = s->data;
	int		 i;

	/* '=' is '+' without Shift. */
	if (key == '=')
		key = '+';
	for (i = 0; i < CON_MENU_N; i++) {
		if (con_menu_items[i].key == key && key != 0) {
			con_menu_run(app, m->con, i);
			return (1);
		}
	}
	if (keys_lookup(key, KEYS_CONSOLE) == ACT_CONSOLE_MENU) {
		for (i = 0; con_menu_items[i].act != CMENU_HOTKEY; i++)
			;
		con_menu_run(app, m->con, i);
		return (1);
	}
	switch (keys_lookup(key, KEYS_DIALOG)) {
	case ACT_UP:
		m->cursor = m->cursor > 0 ? m->cursor - 1 : CON_MENU_N - 1;
		return (1);
	case ACT_DOWN:
		m->cursor = (m->cursor + 1) % CON_MENU_N;
		return (1);
	case ACT_CONFIRM:
		con_menu_run(app, m->con, m->cursor);
		return (1);
	case ACT_CLOSE:
		app_pop(app);
		return (1);
	default:
		return (0);
	}
}

static void
con_menu_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops con_menu_ops = {
	"console-menu", KEYS_DIALOG, 0, con_menu_draw, con_menu_key,
	con_menu_free
};

struct screen *
screen_console_menu(void *con)
{
	struct con_menu	*m;

	m = xcalloc(1, sizeof *m);
	m->con = con;
	return (app_screen(&con_menu_ops, m));
}

/*
 * Pop the console (the menu is gone already); vmdesk view ends there. A
 * pane's console gives the focus back to the list instead.
 */
static void
con_leave(struct app *app, struct con *c)
{
	struct screen	*top = app->stack[app->depth - 1];

	/* In a pane: back to the list, which the pane sees next draw. */
	if (c->em != NULL) {
		c->em->left = 1;
		app->dirty = 1;
		return;
	}
	if (top->data == c)
		app_pop(app);
	if (app->view_only)
		app->quit = 1;
}
