#include "recon/io/inflate_stream.h"

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "itk_zlib.h"

namespace radon::recon::detail {

Inflated inflate_file(const std::string& file, std::uintmax_t offset, std::uintmax_t input_limit,
                      std::uintmax_t limit,
                      const std::function<void(const unsigned char*, std::size_t)>& sink) {
    Inflated result;
    std::ifstream in(file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    z_stream z{};
    if (inflateInit2(&z, 15 + 32) != Z_OK) return result;  // 32: a zlib or a gzip header
    struct End {
        z_stream* z;
        ~End() { inflateEnd(z); }
    } end{&z};

    std::vector<unsigned char> input(1 << 16), output(1 << 18);
    bool member_ended = false;
    while (result.bytes < limit) {
        if (z.avail_in == 0) {
            const auto want = std::min<std::uintmax_t>(input.size(), input_limit);
            in.read(reinterpret_cast<char*>(input.data()), static_cast<std::streamsize>(want));
            const auto got = in.gcount();
            if (got <= 0) break;
            input_limit -= static_cast<std::uintmax_t>(got);
            z.next_in = input.data();
            z.avail_in = static_cast<uInt>(got);
        }
        if (member_ended) {
            if (z.next_in[0] != 0x1f) break;  // trailing bytes that start no gzip member
            inflateReset(&z);
            member_ended = false;
        }
        z.next_out = output.data();
        z.avail_out = static_cast<uInt>(output.size());
        const int code = inflate(&z, Z_NO_FLUSH);
        const auto produced = static_cast<std::uintmax_t>(output.size() - z.avail_out);
        const auto useful = std::min(produced, limit - result.bytes);
        if (sink && useful > 0) sink(output.data(), static_cast<std::size_t>(useful));
        result.bytes += useful;
        if (code == Z_STREAM_END) {
            member_ended = true;
        } else if (code != Z_OK && !(code == Z_BUF_ERROR && z.avail_in == 0)) {
            result.damage = z.msg ? z.msg : "zlib error " + std::to_string(code);
            break;
        }
    }
    return result;
}

}  // namespace radon::recon::detail
