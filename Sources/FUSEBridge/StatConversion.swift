import CFuse
import FoundationEssentials
import Glibc
import Tree

/// `NodeAttributes` → `struct stat`.
enum StatConversion {
    static func stat(_ a: NodeAttributes, _ options: TreeOptions) -> Glibc.stat {
        var st = Glibc.stat()
        st.st_ino = ino_t(a.inode)
        st.st_mode = (a.isDirectory ? S_IFDIR : S_IFREG) | mode_t(a.permissions)
        st.st_nlink = nlink_t(a.links)
        st.st_size = off_t(a.size)
        st.st_blksize = 4096
        st.st_blocks = blkcnt_t((a.size + 511) / 512)
        st.st_uid = options.uid
        st.st_gid = options.gid
        st.st_mtim = timespec(tv_sec: Int(a.modified), tv_nsec: Int(a.modifiedNanoseconds))
        st.st_atim = st.st_mtim
        st.st_ctim = timespec(tv_sec: Int(a.changed), tv_nsec: 0)
        return st
    }
}
