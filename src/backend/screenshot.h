/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's screen saved as PNG by QEMU itself (QMP screendump). */
#ifndef VMDESK_BACKEND_SCREENSHOT_H
#define VMDESK_BACKEND_SCREENSHOT_H

#include "backend/qmp.h"

/*
 * Save the screen to a PNG file: QEMU writes a temporary file beside it
 * (QEMU's cwd is /, so the path is made absolute first), renamed into
 * place when whole. Nothing is left behind on failure.
 */
int	screenshot_save(struct qmp *, const char *, int, char **);

#endif
