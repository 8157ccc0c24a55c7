/*
 * The baseline for RecallFS's cold `cat` (bench/cache-bench.sh): the least a libfuse daemon can do to
 * serve files from memory. It loads every regular file of SOURCE_DIR into memory at start and serves
 * them read-only in one flat directory, with libfuse's defaults and the same multi-threaded loop
 * RecallFS uses. Not part of RecallFS.
 *
 *   cc -O2 -o memfs memfs.c $(pkg-config --cflags --libs fuse3)
 *   ./memfs SOURCE_DIR MOUNTPOINT        (stays in the foreground; fusermount3 -u MOUNTPOINT ends it)
 */
#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct file { char *name; char *data; size_t size; };
static struct file *files;
static size_t nfiles;

static int load(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int fd = open(path, O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { if (fd >= 0) close(fd); continue; }
        files = realloc(files, (nfiles + 1) * sizeof *files);
        struct file *f = &files[nfiles++];
        f->name = strdup(e->d_name);
        f->size = st.st_size;
        f->data = malloc(f->size ? f->size : 1);
        size_t done = 0;
        while (done < f->size) {
            ssize_t n = read(fd, f->data + done, f->size - done);
            if (n <= 0) break;
            done += n;
        }
        close(fd);
    }
    closedir(d);
    return 0;
}

/* Inode 1 is the root; file i is inode i + 2. */
static void fill(fuse_ino_t ino, struct stat *st) {
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    if (ino == 1) { st->st_mode = S_IFDIR | 0555; st->st_nlink = 2; return; }
    st->st_mode = S_IFREG | 0444;
    st->st_nlink = 1;
    st->st_size = files[ino - 2].size;
}

static int valid(fuse_ino_t ino) { return ino == 1 || (ino >= 2 && ino - 2 < nfiles); }

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
    for (size_t i = 0; parent == 1 && i < nfiles; i++) {
        if (strcmp(files[i].name, name) == 0) {
            struct fuse_entry_param e = { .ino = i + 2, .attr_timeout = 60, .entry_timeout = 60 };
            fill(e.ino, &e.attr);
            fuse_reply_entry(req, &e);
            return;
        }
    }
    fuse_reply_err(req, ENOENT);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)fi;
    if (!valid(ino)) { fuse_reply_err(req, ENOENT); return; }
    struct stat st;
    fill(ino, &st);
    fuse_reply_attr(req, &st, 60);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    (void)fi;
    if (ino != 1) { fuse_reply_err(req, ENOTDIR); return; }
    char *buf = malloc(size);
    size_t used = 0;
    for (size_t i = off; i < nfiles; i++) {
        struct stat st;
        fill(i + 2, &st);
        size_t n = fuse_add_direntry(req, buf + used, size - used, files[i].name, &st, i + 1);
        if (n > size - used) break;
        used += n;
    }
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    if (!valid(ino) || ino == 1) { fuse_reply_err(req, EISDIR); return; }
    if ((fi->flags & O_ACCMODE) != O_RDONLY) { fuse_reply_err(req, EROFS); return; }
    fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    (void)fi;
    struct file *f = &files[ino - 2];
    if ((size_t)off >= f->size) { fuse_reply_buf(req, NULL, 0); return; }
    if (off + size > f->size) size = f->size - off;
    fuse_reply_buf(req, f->data + off, size);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: memfs SOURCE_DIR MOUNTPOINT\n"); return 2; }
    if (load(argv[1]) != 0) { perror(argv[1]); return 1; }
    struct fuse_lowlevel_ops ops = { .lookup = op_lookup, .getattr = op_getattr, .readdir = op_readdir,
                                     .open = op_open, .read = op_read };
    char *fargv[] = { argv[0], "-o", "fsname=memfs,subtype=memfs" };
    struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, NULL);
    if (!se || fuse_set_signal_handlers(se) != 0 || fuse_session_mount(se, argv[2]) != 0) return 1;
    int rc = fuse_session_loop_mt(se, 0);  /* API 31: the argument is clone_fd, as RecallFS calls it */
    fuse_session_unmount(se);
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    return rc ? 1 : 0;
}
