#include "recon/io/dicom_structure.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "gdcmDictEntry.h"
#include "gdcmDicts.h"
#include "gdcmGlobal.h"
#include "gdcmMediaStorage.h"
#include "gdcmTag.h"
#include "gdcmVR.h"
#include "itk_zlib.h"

#include "recon/io/printable_text.h"

namespace radon::recon::detail {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kUndefinedLength = 0xffffffffu;
// Real files nest sequences a handful of levels deep; GDCM parses them recursively, so a file
// that nests thousands would exhaust its stack.
constexpr int kMaxDepth = 32;
// A deflated data set is inflated in memory to be walked; images are rarely deflated.
constexpr std::uintmax_t kMaxInflated = std::uintmax_t(1) << 30;

// Thrown inside the walk; becomes DicomStructure::problem.
struct Damage {
    std::string what;
};

// The bytes of a file, or of an inflated data set, read at any offset through a window, so that
// walking a header costs a few reads however many elements it holds.
class Bytes {
  public:
    explicit Bytes(const std::string& path) : file_(path, std::ios::binary) {
        std::error_code ec;
        size_ = file_ ? fs::file_size(path, ec) : 0;
        if (ec) size_ = 0;
    }
    struct InMemory {};
    Bytes(InMemory, std::string memory) : memory_(std::move(memory)), in_memory_(true) {
        size_ = memory_.size();
    }

    std::uintmax_t size() const { return size_; }

    // False when [at, at + n) does not lie inside the bytes.
    bool read(std::uintmax_t at, void* out, std::size_t n) {
        if (at > size_ || n > size_ - at) return false;
        if (in_memory_) {
            std::memcpy(out, memory_.data() + at, n);
            return true;
        }
        if (at < window_start_ || at + n > window_start_ + window_.size()) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uintmax_t>(size_ - at, 1 << 16));
            window_.resize(std::max(want, n));
            file_.clear();
            file_.seekg(static_cast<std::streamoff>(at));
            file_.read(window_.data(), static_cast<std::streamsize>(window_.size()));
            if (static_cast<std::size_t>(file_.gcount()) < n) {
                window_.clear();
                return false;
            }
            window_.resize(static_cast<std::size_t>(file_.gcount()));
            window_start_ = at;
        }
        std::memcpy(out, window_.data() + (at - window_start_), n);
        return true;
    }

  private:
    std::ifstream file_;
    std::string memory_;
    bool in_memory_ = false;
    std::uintmax_t size_ = 0;
    std::vector<char> window_;
    std::uintmax_t window_start_ = 0;
};

struct Tag {
    uint16_t group = 0, element = 0;
    bool operator==(const Tag& o) const { return group == o.group && element == o.element; }
};

constexpr Tag kItem{0xfffe, 0xe000};
constexpr Tag kItemEnd{0xfffe, 0xe00d};
constexpr Tag kSequenceEnd{0xfffe, 0xe0dd};

std::string text_of(const Tag& tag) {
    char text[16];
    std::snprintf(text, sizeof(text), "(%04X,%04X)", tag.group, tag.element);
    return text;
}

bool is_pixel_data(const Tag& tag) {
    // Pixel Data, Float Pixel Data, Double Float Pixel Data
    return tag.group == 0x7fe0 &&
           (tag.element == 0x0010 || tag.element == 0x0008 || tag.element == 0x0009);
}

struct Syntax {
    bool explicit_vr = true;
    bool big_endian = false;
};

uint16_t u16(const unsigned char* p, bool big_endian) {
    return big_endian ? static_cast<uint16_t>((p[0] << 8) | p[1])
                      : static_cast<uint16_t>((p[1] << 8) | p[0]);
}

uint32_t u32(const unsigned char* p, bool big_endian) {
    return big_endian ? (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) |
                            uint32_t(p[3])
                      : (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) |
                            uint32_t(p[0]);
}

// The value representations DICOM defines (PS3.5 6.2); those in the second list have a 4-byte
// length after two reserved bytes.
bool is_vr(const char* vr) {
    static const char* const all[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL",
                                      "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW",
                                      "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC",
                                      "UI", "UL", "UN", "UR", "US", "UT", "UV"};
    return std::any_of(std::begin(all), std::end(all),
                       [&](const char* v) { return v[0] == vr[0] && v[1] == vr[1]; });
}

bool has_long_length(const char* vr) {
    static const char* const long_form[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                            "SV", "UC", "UN", "UR", "UT", "UV"};
    return std::any_of(std::begin(long_form), std::end(long_form),
                       [&](const char* v) { return v[0] == vr[0] && v[1] == vr[1]; });
}

bool vr_is(const char* vr, const char* name) {
    return vr[0] == name[0] && vr[1] == name[1];
}

// Fields GDCM reads through its typed attributes, which assert that an explicit VR matches the
// dictionary's (or is UN): a file naming another VR for one of them aborts the process.
const char* expected_vr(const Tag& tag) {
    struct Entry {
        uint16_t group, element;
        const char* vr;
    };
    static const Entry entries[] = {
        {0x0008, 0x0016, "UI"}, {0x0008, 0x0018, "UI"}, {0x0008, 0x0060, "CS"},
        {0x0018, 0x0050, "DS"}, {0x0018, 0x0088, "DS"}, {0x0018, 0x1164, "DS"},
        {0x0020, 0x000d, "UI"}, {0x0020, 0x000e, "UI"}, {0x0020, 0x0011, "IS"},
        {0x0020, 0x0013, "IS"}, {0x0020, 0x0032, "DS"}, {0x0020, 0x0037, "DS"},
        {0x0028, 0x0002, "US"}, {0x0028, 0x0004, "CS"}, {0x0028, 0x0006, "US"},
        {0x0028, 0x0008, "IS"}, {0x0028, 0x0009, "AT"}, {0x0028, 0x0010, "US"},
        {0x0028, 0x0011, "US"}, {0x0028, 0x0030, "DS"}, {0x0028, 0x0034, "IS"},
        {0x0028, 0x0100, "US"}, {0x0028, 0x0101, "US"}, {0x0028, 0x0102, "US"},
        {0x0028, 0x0103, "US"}, {0x0028, 0x1050, "DS"}, {0x0028, 0x1051, "DS"},
        {0x0028, 0x1052, "DS"}, {0x0028, 0x1053, "DS"}, {0x0028, 0x1054, "LO"},
        {0x0054, 0x0081, "US"},
    };
    for (const Entry& e : entries) {
        if (e.group == tag.group && e.element == tag.element) return e.vr;
    }
    return nullptr;
}

// ITK's DICOM reader hands every top-level element it does not keep as binary to GDCM's string
// conversion, which asserts on the value representations it does not convert (GDCM 3.0: OD, OL,
// OV, SV, UV): the file's VR when it gives one (a fuzz finding: an element damaged into VR SV
// aborted the process), otherwise the one GDCM's dictionary knows.
gdcm::VR::VRType dictionary_vr(uint16_t group, uint16_t element) {
    const gdcm::Tag tag(group, element);
    if (tag.IsPrivate()) return gdcm::VR::INVALID;
    return static_cast<gdcm::VR::VRType>(
        gdcm::Global::GetInstance().GetDicts().GetDictEntry(tag).GetVR());
}

bool gdcm_cannot_convert(uint16_t group, uint16_t element, const char* file_vr) {
    gdcm::VR::VRType vr = gdcm::VR::INVALID;
    if (file_vr[0] != 0 && !(file_vr[0] == 'U' && file_vr[1] == 'N')) {
        vr = gdcm::VR::GetVRType(file_vr);
    } else {
        vr = dictionary_vr(group, element);
    }
    return vr == gdcm::VR::OD || vr == gdcm::VR::OL || vr == gdcm::VR::OV || vr == gdcm::VR::SV ||
           vr == gdcm::VR::UV;
}

struct Element {
    Tag tag;
    char vr[3] = {0, 0, 0};  // empty for implicit VR and for item tags
    uint32_t length = 0;
    std::uintmax_t start = 0;  // of its header
    std::uintmax_t value = 0;  // of its value
};

class Walker {
  public:
    Walker(Bytes& bytes, std::string scope) : bytes_(bytes), scope_(std::move(scope)) {}

    // The elements from `pos` to `end`, or with `until_item_end` to the item delimiter (then
    // `end` is ignored). Returns the position after them.
    std::uintmax_t data_set(std::uintmax_t pos, std::uintmax_t end, bool until_item_end,
                            const Syntax& syntax, int depth, bool top) {
        const std::uintmax_t limit = until_item_end ? bytes_.size() : end;
        for (;;) {
            if (!until_item_end && pos == end) return pos;
            const Element e = header(pos, limit, syntax);
            if (e.tag.group == 0xfffe) {
                if (until_item_end && e.tag == kItemEnd) return delimiter_end(e.start, e.length);
                fail("holds " + text_of(e.tag) + " at byte " + std::to_string(pos) +
                     " where a data element was expected (damaged file)");
            }
            pos = value(e, limit, syntax, depth, top);
        }
    }

    [[noreturn]] void fail(const std::string& what) const { throw Damage{scope_ + what}; }

    [[noreturn]] void cut(const std::string& inside) const {
        fail("the file ends at byte " + std::to_string(bytes_.size()) + ", inside " + inside +
             " (cut short?)");
    }

    bool top_rows = false, top_columns = false, top_pixels = false;
    std::string sop_class;  // SOP Class UID (0008,0016) of the top-level data set

    // The header of the element at `pos`, which must end by `limit`.
    Element header(std::uintmax_t pos, std::uintmax_t limit, const Syntax& syntax) {
        Element e;
        e.start = pos;
        unsigned char h[12];
        if (!fits(pos, 8, limit) || !bytes_.read(pos, h, 8)) overrun_header(pos, limit);
        e.tag = {u16(h, syntax.big_endian), u16(h + 2, syntax.big_endian)};
        if (e.tag.group == 0xfffe || !syntax.explicit_vr) {
            e.length = u32(h + 4, syntax.big_endian);
            e.value = pos + 8;
            return e;
        }
        e.vr[0] = static_cast<char>(h[4]);
        e.vr[1] = static_cast<char>(h[5]);
        if (!is_vr(e.vr)) {
            char shown[3] = {std::isprint(h[4]) ? e.vr[0] : '?', std::isprint(h[5]) ? e.vr[1] : '?',
                             0};
            fail("the data element " + text_of(e.tag) + " at byte " + std::to_string(pos) +
                 " has the value representation '" + shown +
                 "', which DICOM does not define (damaged, or not in the transfer syntax the "
                 "file names)");
        }
        const char* expected = expected_vr(e.tag);
        if (expected && !vr_is(e.vr, expected) && !vr_is(e.vr, "UN")) {
            fail("the data element " + text_of(e.tag) + " at byte " + std::to_string(pos) +
                 " has the value representation '" + e.vr + "', expected '" + expected +
                 "' (damaged file)");
        }
        if (!has_long_length(e.vr)) {
            e.length = u16(h + 6, syntax.big_endian);
            e.value = pos + 8;
            return e;
        }
        if (!fits(pos, 12, limit) || !bytes_.read(pos, h, 12)) overrun_header(pos, limit);
        e.length = u32(h + 8, syntax.big_endian);
        e.value = pos + 12;
        return e;
    }

  private:
    // A delimiter has no value; GDCM takes a length other than 0 at its word and crawls (a fuzz
    // finding: 4 GB in the last byte of a 1 KB file took it seconds per read).
    std::uintmax_t delimiter_end(std::uintmax_t pos, uint32_t length) const {
        if (length != 0) {
            fail("the delimiter at byte " + std::to_string(pos) + " has a length of " +
                 std::to_string(length) + ", expected 0 (damaged file)");
        }
        return pos + 8;
    }

    bool fits(std::uintmax_t pos, std::uintmax_t n, std::uintmax_t limit) const {
        return pos <= limit && n <= limit - pos && limit <= bytes_.size();
    }

    [[noreturn]] void overrun_header(std::uintmax_t pos, std::uintmax_t limit) const {
        if (limit >= bytes_.size())
            cut("the header of the data element at byte " + std::to_string(pos));
        fail("the data element at byte " + std::to_string(pos) +
             " does not fit in the sequence item that holds it (damaged file)");
    }

    bool starts_with_item(std::uintmax_t pos, bool big_endian) {
        unsigned char h[4];
        return bytes_.read(pos, h, 4) && Tag{u16(h, big_endian), u16(h + 2, big_endian)} == kItem;
    }

    // The value of `e`, which must end by `limit`; returns the position after it.
    std::uintmax_t value(const Element& e, std::uintmax_t limit, const Syntax& syntax, int depth,
                         bool top) {
        const bool pixels = top && is_pixel_data(e.tag);
        if (top) {
            top_rows = top_rows || e.tag == Tag{0x0028, 0x0010};
            top_columns = top_columns || e.tag == Tag{0x0028, 0x0011};
            top_pixels = top_pixels || pixels;
            // GDCM asserts that an ACR-NEMA recognition code names ACR-NEMA (a fuzz finding:
            // a Modality tag damaged into this one aborted the process).
            if (e.tag == Tag{0x0008, 0x0010} && e.length != kUndefinedLength) {
                char code[8] = {};
                const bool read = e.length >= 7 && bytes_.read(e.value, code, 7);
                const bool acr_nema = read && (std::memcmp(code, "ACR-NEM", 7) == 0 ||
                                               std::memcmp(code, "ACRNEMA", 7) == 0 ||
                                               std::memcmp(code, "MIPS 2.", 7) == 0);
                if (!acr_nema) {
                    fail("the recognition code (0008,0010) at byte " + std::to_string(e.start) +
                         " does not name ACR-NEMA (damaged file)");
                }
            }
            if (e.tag == Tag{0x0008, 0x0016} && e.length < 128 && e.length != kUndefinedLength) {
                std::string uid(e.length, '\0');
                if (bytes_.read(e.value, uid.data(), uid.size())) {
                    while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' '))
                        uid.pop_back();
                    sop_class = uid;
                }
            }
        }
        const std::string where = text_of(e.tag) + " at byte " + std::to_string(e.start);
        if (top && gdcm_cannot_convert(e.tag.group, e.tag.element, e.vr)) {
            fail("the data element " + where +
                 " has a value representation (OD, OL, OV, SV or UV) that GDCM's reader cannot "
                 "convert (damaged file?)");
        }
        if (e.length == kUndefinedLength) {
            if (pixels && syntax.explicit_vr && (vr_is(e.vr, "OB") || vr_is(e.vr, "OW"))) {
                return fragments(e.value);
            }
            // GDCM parses an implicit element of undefined length as a sequence, and ITK then
            // asks for it as text when the dictionary says text: an assertion.
            const gdcm::VR::VRType known = top && !syntax.explicit_vr
                                               ? dictionary_vr(e.tag.group, e.tag.element)
                                               : gdcm::VR::INVALID;
            if (known != gdcm::VR::INVALID && known != gdcm::VR::SQ && known != gdcm::VR::UN) {
                fail("the data element " + where + " has an undefined length, but the DICOM " +
                     "dictionary gives it the value representation " +
                     gdcm::VR::GetVRString(known) + ", not a sequence (damaged file)");
            }
            if (!syntax.explicit_vr || vr_is(e.vr, "SQ")) {
                return sequence(e, e.value, 0, true, syntax, depth + 1);
            }
            // CP-246: an undefined-length UN holds an implicit little-endian sequence.
            if (vr_is(e.vr, "UN"))
                return sequence(e, e.value, 0, true, Syntax{false, false}, depth + 1);
            fail("the data element " + where +
                 " has an undefined length, which only sequences and compressed pixel data may "
                 "have (damaged file)");
        }
        const std::uintmax_t end = e.value + e.length;
        if (!fits(e.value, e.length, limit)) {
            if (limit < bytes_.size()) {
                fail("the data element " + where + " describes " + std::to_string(e.length) +
                     " bytes, more than the sequence item that holds it (damaged file)");
            }
            if (pixels) {
                const std::uintmax_t present = bytes_.size() - std::min(e.value, bytes_.size());
                fail("its pixel data is cut short: the header describes " +
                     std::to_string(e.length) + " bytes, " + std::to_string(present) +
                     " are present");
            }
            cut("the data element " + where + ", which describes " + std::to_string(e.length) +
                " bytes");
        }
        if (syntax.explicit_vr && vr_is(e.vr, "SQ")) {
            sequence(e, e.value, end, false, syntax, depth + 1);
        } else if (!pixels && e.length >= 8 && (!syntax.explicit_vr || vr_is(e.vr, "UN")) &&
                   starts_with_item(e.value, syntax.big_endian)) {
            // GDCM parses such a value as a sequence (implicit VR: by the dictionary; UN: as
            // CP-246 prescribes), so it must hold whole items. A UN sequence may be written
            // either way.
            const Syntax implicit{false, syntax.big_endian};
            if (vr_is(e.vr, "UN")) {
                try {
                    sequence(e, e.value, end, false, implicit, depth + 1);
                } catch (const Damage&) {
                    sequence(e, e.value, end, false, syntax, depth + 1);
                }
            } else {
                sequence(e, e.value, end, false, implicit, depth + 1);
            }
        }
        return end;
    }

    // The items of sequence `owner` from `pos` to `end`, or with `undefined` to the sequence
    // delimiter.
    std::uintmax_t sequence(const Element& owner, std::uintmax_t pos, std::uintmax_t end,
                            bool undefined, const Syntax& syntax, int depth) {
        const std::string name =
            "the sequence " + text_of(owner.tag) + " at byte " + std::to_string(owner.start);
        if (depth > kMaxDepth) {
            fail(name + " nests sequences more than " + std::to_string(kMaxDepth) +
                 " levels deep (damaged file)");
        }
        const std::uintmax_t limit = undefined ? bytes_.size() : end;
        for (;;) {
            if (!undefined && pos == end) return pos;
            unsigned char h[8];
            if (!fits(pos, 8, limit) || !bytes_.read(pos, h, 8)) {
                if (limit >= bytes_.size()) cut(name);
                fail(name + " holds an item that runs past its end (damaged file)");
            }
            const Tag tag{u16(h, syntax.big_endian), u16(h + 2, syntax.big_endian)};
            const uint32_t length = u32(h + 4, syntax.big_endian);
            if (undefined && tag == kSequenceEnd) return delimiter_end(pos, length);
            if (!(tag == kItem)) {
                fail(name + " holds " + text_of(tag) + " at byte " + std::to_string(pos) +
                     " where an item (FFFE,E000) was expected (damaged file)");
            }
            if (length == kUndefinedLength) {
                pos = data_set(pos + 8, 0, true, syntax, depth, false);
            } else {
                if (!fits(pos + 8, length, limit)) {
                    if (limit >= bytes_.size()) cut(name);
                    fail(name + " holds an item that runs past its end (damaged file)");
                }
                data_set(pos + 8, pos + 8 + length, false, syntax, depth, false);
                pos += 8 + std::uintmax_t(length);
            }
            if (!undefined && pos > end) {
                fail(name + " holds an item that runs past its end (damaged file)");
            }
        }
    }

    // An RLE frame starts with a 64-byte header: the number of segments (1 to 15) and their
    // offsets, the first 64, each inside the frame. GDCM's RLE decoder trusts them (a fuzz
    // finding: 57602 segments crashed it).
    void check_rle_header(std::uintmax_t pos, uint32_t length, int k) {
        unsigned char h[64];
        const std::string frame =
            "the RLE frame in fragment " + std::to_string(k) + " at byte " + std::to_string(pos);
        if (length < 64 || !bytes_.read(pos, h, 64)) {
            fail(frame + " is shorter than its 64-byte header (damaged file)");
        }
        const uint32_t segments = u32(h, false);
        if (segments < 1 || segments > 15) {
            fail(frame + " has " + std::to_string(segments) +
                 " segments in its header, expected 1 to 15 (damaged file)");
        }
        uint32_t previous = 0;
        for (uint32_t i = 0; i < 15; ++i) {
            const uint32_t offset = u32(h + 4 + 4 * i, false);
            const bool used = i < segments;
            const bool valid =
                used ? (i == 0 ? offset == 64 : offset > previous) && offset < length : offset == 0;
            if (!valid) {
                fail(frame + " has a segment offset of " + std::to_string(offset) +
                     " in its header, outside its " + std::to_string(length) +
                     " bytes or out of order (damaged file)");
            }
            previous = offset;
        }
    }

  public:
    bool rle = false;  // the transfer syntax is RLE Lossless

  private:
    // Compressed pixel data: an offset table and fragments, each an item of defined length, then
    // the sequence delimiter.
    std::uintmax_t fragments(std::uintmax_t pos) {
        for (int k = 0;; ++k) {
            unsigned char h[8];
            if (!bytes_.read(pos, h, 8))
                cut("its compressed pixel data (fragment " + std::to_string(k) + ")");
            const Tag tag{u16(h, false), u16(h + 2, false)};
            const uint32_t length = u32(h + 4, false);
            if (tag == kSequenceEnd) return delimiter_end(pos, length);
            if (!(tag == kItem) || length == kUndefinedLength) {
                fail("its compressed pixel data holds " + text_of(tag) + " at byte " +
                     std::to_string(pos) +
                     " where a fragment (FFFE,E000) of defined length was expected (damaged "
                     "file)");
            }
            if (!fits(pos + 8, length, bytes_.size())) {
                fail("its pixel data is cut short: fragment " + std::to_string(k) + " describes " +
                     std::to_string(length) + " bytes, " + std::to_string(bytes_.size() - pos - 8) +
                     " are present");
            }
            if (rle && k > 0) check_rle_header(pos + 8, length, k);
            pos += 8 + std::uintmax_t(length);
        }
    }

    Bytes& bytes_;
    std::string scope_;
};

bool has_dicom_name(const std::string& path) {
    std::string extension = fs::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".dcm" || extension == ".dicom" || extension == ".dic" ||
           extension == ".ima";
}

// SOP classes (PS3.4 B.5) whose instances always hold pixel data: a file of one of them that
// ends between two elements, before Rows and Columns, was cut short there.
bool is_image_storage(const std::string& sop_class) {
    const std::string root = "1.2.840.10008.5.1.4.1.1.";
    if (sop_class.compare(0, root.size(), root) != 0) return false;
    const std::string rest = sop_class.substr(root.size());
    // CR, DX/MG/IO, CT, US multi-frame, MR, US, secondary capture, XA/RF, NM, PET, RT image
    static const char* const images[] = {
        "1",   "1.1",  "1.1.1",  "1.1.2", "1.1.2.1", "1.1.3", "1.1.3.1", "2",     "2.1", "2.2",
        "3.1", "4",    "4.1",    "4.4",   "6.1",     "6.2",   "7",       "7.1",   "7.2", "7.3",
        "7.4", "12.1", "12.1.1", "12.2",  "12.2.1",  "20",    "128",     "128.1", "130", "481.1"};
    return std::any_of(std::begin(images), std::end(images),
                       [&](const char* uid) { return rest == uid; });
}

// How a data set without a transfer syntax to say so is encoded, from its first element, as
// GDCM guesses it; false when it starts like no data set.
bool guess_syntax(Bytes& bytes, std::uintmax_t pos, Syntax& syntax) {
    unsigned char h[6];
    if (!bytes.read(pos, h, 6)) return false;
    const uint16_t group = u16(h, false);
    if (group != 0x0008 && group != 0x0002 && group != 0x0800) return false;
    syntax.big_endian = group == 0x0800;
    const char vr[2] = {static_cast<char>(h[4]), static_cast<char>(h[5])};
    syntax.explicit_vr = is_vr(vr);
    return true;
}

std::string inflate_raw(Bytes& bytes, std::uintmax_t from, std::string& damage) {
    std::string compressed(static_cast<std::size_t>(bytes.size() - from), '\0');
    if (!compressed.empty() && !bytes.read(from, compressed.data(), compressed.size())) {
        damage = "cannot be read";
        return {};
    }
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) {
        damage = "zlib cannot start";
        return {};
    }
    z.next_in = reinterpret_cast<Bytef*>(compressed.data());
    z.avail_in = static_cast<uInt>(compressed.size());
    std::string out;
    std::vector<char> chunk(1 << 18);
    int code = Z_OK;
    while (code == Z_OK && out.size() < kMaxInflated) {
        z.next_out = reinterpret_cast<Bytef*>(chunk.data());
        z.avail_out = static_cast<uInt>(chunk.size());
        code = inflate(&z, Z_NO_FLUSH);
        out.append(chunk.data(), chunk.size() - z.avail_out);
        if (code == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    if (code == Z_STREAM_END) {
    } else if (code == Z_OK || (code == Z_BUF_ERROR && z.avail_in == 0)) {
        damage = out.size() >= kMaxInflated ? "it inflates to more than 1 GiB" : "it is cut short";
    } else {
        damage = z.msg ? z.msg : "zlib error " + std::to_string(code);
    }
    inflateEnd(&z);
    return out;
}

void walk(Bytes& bytes, const std::string& path, DicomStructure& result) {
    const std::uintmax_t size = bytes.size();
    unsigned char head[132] = {};
    const std::size_t head_size = static_cast<std::size_t>(std::min<std::uintmax_t>(size, 132));
    bytes.read(0, head, head_size);
    const bool preamble = size >= 132 && std::memcmp(head + 128, "DICM", 4) == 0;
    Syntax syntax;
    std::uintmax_t pos = preamble ? 132 : 0;
    if (!preamble) {
        if (!guess_syntax(bytes, 0, syntax)) {
            // Writers fill the preamble with zeros; a copy cut inside it, or inside "DICM".
            const bool zeros =
                size > 0 && size < 132 &&
                std::all_of(head, head + std::min<std::size_t>(head_size, 128),
                            [](unsigned char c) { return c == 0; }) &&
                (size <= 128 || std::memcmp(head + 128, "DICM", head_size - 128) == 0);
            result.dicom = zeros || has_dicom_name(path);
            if (size == 0) {
                result.problem = "is empty (0 bytes)";
            } else if (zeros) {
                result.problem = "the file ends at byte " + std::to_string(size) +
                                 ", inside the 128-byte preamble of a DICOM file (cut short?)";
            } else if (size < 132) {
                result.problem = "holds " + std::to_string(size) +
                                 " bytes, fewer than a DICOM preamble (128 bytes and 'DICM')";
            } else {
                result.problem =
                    "has no 'DICM' marker at byte 128 and does not start with a DICOM data set "
                    "(not DICOM, or damaged)";
            }
            return;
        }
    }
    result.dicom = true;

    // The file meta information (group 0002): explicit VR little endian, whatever follows.
    Walker meta(bytes, "");
    std::string transfer_syntax, sop_class;
    bool has_meta = false;
    try {
        for (;;) {
            unsigned char group[2];
            if (pos < size && size - pos < 8) throw Damage{"cut"};
            if (!bytes.read(pos, group, 2) || u16(group, false) != 0x0002) break;
            has_meta = true;
            const Element e = meta.header(pos, size, Syntax{});
            if (e.length == kUndefinedLength || e.value + e.length > size) {
                throw Damage{"cut"};
            }
            if ((e.tag == Tag{0x0002, 0x0010} || e.tag == Tag{0x0002, 0x0002}) && e.length < 128) {
                std::string uid(e.length, '\0');
                bytes.read(e.value, uid.data(), e.length);
                while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' '))
                    uid.pop_back();
                (e.tag.element == 0x0010 ? transfer_syntax : sop_class) = uid;
            }
            pos = e.value + e.length;
        }
    } catch (const Damage& damage) {
        if (damage.what.find("value representation") != std::string::npos) throw;
        throw Damage{"the file ends at byte " + std::to_string(size) +
                     ", inside its file meta information (group 0002) (cut short?)"};
    }
    if (pos >= size) {
        throw Damage{"the file ends at byte " + std::to_string(size) + ", " +
                     (has_meta ? "right after its file meta information (group 0002)"
                               : "right after its preamble") +
                     ": the data set is missing (cut short?)"};
    }

    if (transfer_syntax == "1.2.840.10008.1.2.1.99") {
        std::string damage;
        Bytes inflated(Bytes::InMemory{}, inflate_raw(bytes, pos, damage));
        if (!damage.empty()) throw Damage{"its deflated data set is damaged (" + damage + ")"};
        Walker walker(inflated, "in its deflated data set, ");
        walker.data_set(0, inflated.size(), false, Syntax{}, 0, true);
        if (walker.top_rows && walker.top_columns && !walker.top_pixels) {
            throw Damage{"its deflated data set ends before the pixel data (7FE0,0010)"};
        }
        return;
    }
    if (transfer_syntax == "1.2.840.10008.1.2") {
        syntax = {false, false};
    } else if (transfer_syntax == "1.2.840.10008.1.2.2") {
        syntax = {true, true};
    } else if (transfer_syntax.empty()) {
        if (!guess_syntax(bytes, pos, syntax)) {
            throw Damage{"its data set starts with no element GDCM can read (damaged file)"};
        }
    } else {
        syntax = {true, false};
    }
    if (syntax.big_endian && !syntax.explicit_vr) {
        throw Damage{"its data set is implicit VR big endian, which DICOM does not define"};
    }
    Walker walker(bytes, "");
    walker.rle = transfer_syntax == "1.2.840.10008.1.2.5";
    walker.data_set(pos, size, false, syntax, 0, true);
    const bool image = (walker.top_rows && walker.top_columns) || is_image_storage(sop_class) ||
                       is_image_storage(walker.sop_class);
    // Pixels without an image SOP class GDCM knows send its reader down its ACR-NEMA path,
    // which asserts on what it finds there (a fuzz finding).
    const std::string& uid = sop_class.empty() ? walker.sop_class : sop_class;
    if (walker.top_pixels &&
        (uid.empty() || !gdcm::MediaStorage::IsImage(gdcm::MediaStorage::GetMSType(uid.c_str())))) {
        throw Damage{
            "holds pixel data but no SOP class UID (0002,0002 or 0008,0016) of an image "
            "storage GDCM reads" +
            (uid.empty() ? std::string() : " ('" + printable(uid.substr(0, 64)) + "')") +
            ": an ACR-NEMA file, or a damaged one"};
    }
    if (image && !walker.top_pixels) {
        throw Damage{"the file ends at byte " + std::to_string(size) +
                     ", before its pixel data (7FE0,0010) (cut short?)"};
    }
}

}  // namespace

DicomStructure check_dicom_structure(const std::string& path) {
    DicomStructure result;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return result;
    Bytes bytes(path);
    try {
        walk(bytes, path, result);
    } catch (const Damage& damage) {
        result.dicom = true;
        result.problem = damage.what;
    }
    return result;
}

}  // namespace radon::recon::detail
