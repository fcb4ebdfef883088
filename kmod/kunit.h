/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_KUNIT_H
#define _PODNET_KUNIT_H

#include <linux/export.h>

/*
 * Symbols the KUnit test module (podnet_kunit.ko, built with PODNET_KUNIT=1
 * against the debug kernel) calls; exported only in that build, in a
 * namespace of their own.
 */
#ifdef PODNET_KUNIT
#define PODNET_EXPORT_FOR_KUNIT(sym) EXPORT_SYMBOL_NS_GPL(sym, PODNET_KUNIT)
#else
#define PODNET_EXPORT_FOR_KUNIT(sym)
#endif

#endif /* _PODNET_KUNIT_H */
