#pragma once

#include <string>

// GDCM, as Debian builds it, keeps its assertions: a DICOM file cut short inside its meta
// header or inside almost any data element aborts the whole process in the parser
// (gdcmReader.cxx: Assertion 'is.good()'), and so does a file that is not DICOM at all but
// reaches GDCM's transfer syntax guess. An abort cannot be caught, so GDCM must never see such
// a file. Every file is walked here first, element by element with the lengths it declares,
// reading only element headers (the values of sequences and the meta group's transfer syntax
// aside): a file passes only when each element, item and fragment lies inside the file and
// inside the sequence or item that holds it.
namespace radon::recon::detail {

struct DicomStructure {
    // The file presents itself as DICOM: "DICM" after the 128-byte preamble, a data set without
    // preamble (group 0002 or 0008 first), a file shorter than a preamble holding only zero
    // bytes (a copy cut short), or a DICOM file name (.dcm, .dicom, .dic, .ima).
    bool dicom = false;
    // Why GDCM must not parse the file, as a clause for "PATH: ..." (where it is cut short, the
    // element that runs past the end, ...); empty when every element lies within the file.
    std::string problem;
};

// Never throws for a damaged file; only for a file that presents itself as DICOM is the
// structure walked. Not regular files (pipes, devices, folders) are not DICOM and are not
// opened.
DicomStructure check_dicom_structure(const std::string& path);

}  // namespace radon::recon::detail
