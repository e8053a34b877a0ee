/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Libvncclient, for VM screens, loaded on first use. */
#include "config.h"

#define LAZY_VNC_SELF
#include "util/lazy_vnc.h"

LAZY_VNC_SYMS(LAZY_DEFINE)
__typeof__(rfbClientLog) *lazy_rfbClientLog;
__typeof__(rfbClientErr) *lazy_rfbClientErr;

static const struct lazy_sym lazy_vnc_syms[] = {
	LAZY_VNC_SYMS(LAZY_ENTRY)
	{ "rfbClientLog", (void **)&lazy_rfbClientLog },
	{ "rfbClientErr", (void **)&lazy_rfbClientErr },
};

static struct lazy_lib lazy_vnc_lib = {
	LAZY_SONAME_VNC, "libvncclient1",
	"VM screens", lazy_vnc_syms,
	sizeof lazy_vnc_syms / sizeof lazy_vnc_syms[0], NULL
};

int
lazy_vnc_load(char **cause)
{
	return (lazy_load(&lazy_vnc_lib, cause));
}
