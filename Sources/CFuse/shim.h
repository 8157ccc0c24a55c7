#ifndef RECALLFS_CFUSE_SHIM_H
#define RECALLFS_CFUSE_SHIM_H
/* libfuse3 low-level API. 31 is what Debian 12's libfuse 3.14 exports under its stable names;
   the multi-threaded loop is reached through its versioned symbol (fuse_session_loop_mt_31). */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 31
#endif
#include <fuse_lowlevel.h>
#include <sys/stat.h>
#include <errno.h>

/* fuse_file_info's flags are C bitfields, which Swift cannot set: these helpers do it. */
static inline void cfuse_fi_set_direct_io(struct fuse_file_info *fi, int v) { fi->direct_io = v ? 1 : 0; }
static inline void cfuse_fi_set_keep_cache(struct fuse_file_info *fi, int v) { fi->keep_cache = v ? 1 : 0; }
static inline void cfuse_fi_set_cache_readdir(struct fuse_file_info *fi, int v) { fi->cache_readdir = v ? 1 : 0; }
static inline int cfuse_fi_flags(const struct fuse_file_info *fi) { return fi->flags; }
#endif
