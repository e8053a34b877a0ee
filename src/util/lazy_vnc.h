/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvncclient, for VM screens, loaded on first use: include this instead
 * of the library's header, and call lazy_vnc_load() before the first call.
 */
#ifndef VMDESK_UTIL_LAZY_VNC_H
#define VMDESK_UTIL_LAZY_VNC_H

#include <rfb/rfbclient.h>

#include "util/lazy.h"

#define LAZY_VNC_SYMS(X) \
	X(HandleRFBServerMessage) \
	X(SendKeyEvent) \
	X(SendPointerEvent) \
	X(WriteToRFBServer) \
	X(rfbClientCleanup) \
	X(rfbClientGetClientData) \
	X(rfbClientSetClientData) \
	X(rfbGetClient) \
	X(rfbInitClient)

LAZY_VNC_SYMS(LAZY_DECLARE)
extern __typeof__(rfbClientLog) *lazy_rfbClientLog;
extern __typeof__(rfbClientErr) *lazy_rfbClientErr;

#ifndef LAZY_VNC_SELF
#define HandleRFBServerMessage (*lazy_HandleRFBServerMessage)
#define SendKeyEvent (*lazy_SendKeyEvent)
#define SendPointerEvent (*lazy_SendPointerEvent)
#define WriteToRFBServer (*lazy_WriteToRFBServer)
#define rfbClientCleanup (*lazy_rfbClientCleanup)
#define rfbClientGetClientData (*lazy_rfbClientGetClientData)
#define rfbClientSetClientData (*lazy_rfbClientSetClientData)
#define rfbGetClient (*lazy_rfbGetClient)
#define rfbInitClient (*lazy_rfbInitClient)
#define rfbClientLog (*lazy_rfbClientLog)
#define rfbClientErr (*lazy_rfbClientErr)
#endif

/* Load the library once; -1 and *cause when it is missing. */
int	lazy_vnc_load(char **);

#endif
