// DICOM files for the tests, written by ITK's own DICOM writer (GDCMImageIO with
// ImageSeriesWriter, or ImageFileWriter for one multi-frame file): a writer independent of the
// reader under test. ITK headers are fine here: only test sources include this file.
#pragma once

#include <QtTest>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gdcmDataSet.h"
#include "gdcmReader.h"
#include "gdcmSequenceOfItems.h"
#include "gdcmWriter.h"
#include "itkGDCMImageIO.h"
#include "itkImage.h"
#include "itkImageFileWriter.h"
#include "itkImageSeriesWriter.h"
#include "itkMetaDataObject.h"

#include "kernels/core/vec.h"
#include "recon/io/itk_support.h"
#include "recon/volume.h"

namespace radon::test {

// DS values hold at most 16 characters; 10 significant digits fit and keep micrometres.
inline std::string decimal_string(const std::vector<double>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i) {
        char item[32];
        std::snprintf(item, sizeof(item), "%.10g", values[i]);
        text += (i ? "\\" : "") + std::string(item);
    }
    return text;
}

inline std::string uid(const std::string& suffix) {
    return "1.2.826.0.1.3680043.2.1125.7." + suffix;
}

using FloatVolumeImage = itk::Image<float, 3>;

inline FloatVolumeImage::Pointer itk_image_of(const recon::Volume& volume) {
    return recon::detail::borrowed_itk_image(volume);
}

// The fields every CT file of the fixtures carries: int16 stored values with a rescale.
inline void put_ct_fields(itk::MetaDataDictionary& d, double slope, double intercept) {
    itk::EncapsulateMetaData<std::string>(d, "0008|0060", "CT");
    itk::EncapsulateMetaData<std::string>(d, "0028|0004", "MONOCHROME2");
    itk::EncapsulateMetaData<std::string>(d, "0028|1053", decimal_string({slope}));
    itk::EncapsulateMetaData<std::string>(d, "0028|1052", decimal_string({intercept}));
    // The image handed over is float: these say how to store it.
    itk::EncapsulateMetaData<std::string>(d, "0028|0100", "16");
    itk::EncapsulateMetaData<std::string>(d, "0028|0101", "16");
    itk::EncapsulateMetaData<std::string>(d, "0028|0102", "15");
    itk::EncapsulateMetaData<std::string>(d, "0028|0103", "1");
}

struct CtSeries {
    std::string series_uid = uid("1");
    std::string description = "Thorax 2.5 mm";
    int series_number = 1;
    double slope = 0.5;
    double intercept = -1024;
    // File name of each slice, in slice order; empty: slice_000.dcm, ...
    std::vector<std::string> file_names;
    // ImagePositionPatient of each slice; empty: where the volume's grid puts it.
    std::vector<Vec3> positions;
};

// Writes `hu` (values exactly representable as int16 * slope + intercept) as a CT series, one
// CT Image Storage file per slice. Instance numbers count backwards, so that neither they nor the
// file names give the slice order.
inline void write_ct_series(const recon::Volume& hu, const std::string& folder,
                            const CtSeries& series) {
    const VolumeGrid& grid = hu.grid;
    const auto nz = static_cast<std::size_t>(grid.size[2]);
    std::vector<std::string> paths;
    for (std::size_t k = 0; k < nz; ++k) {
        char name[32];
        std::snprintf(name, sizeof(name), "slice_%03zu.dcm", k);
        const std::string file = series.file_names.empty() ? name : series.file_names[k];
        paths.push_back((std::filesystem::path(folder) / file).string());
    }
    const Vec3 row = grid.direction.column(0), column = grid.direction.column(1);
    std::vector<itk::MetaDataDictionary> dictionaries(nz);
    std::vector<itk::MetaDataDictionary*> pointers;
    for (std::size_t k = 0; k < nz; ++k) {
        itk::MetaDataDictionary& d = dictionaries[k];
        put_ct_fields(d, series.slope, series.intercept);
        itk::EncapsulateMetaData<std::string>(d, "0008|0016", "1.2.840.10008.5.1.4.1.1.2");
        itk::EncapsulateMetaData<std::string>(d, "0008|0018",
                                              series.series_uid + "." + std::to_string(k + 1));
        itk::EncapsulateMetaData<std::string>(d, "0020|000d", uid("99"));
        itk::EncapsulateMetaData<std::string>(d, "0020|000e", series.series_uid);
        itk::EncapsulateMetaData<std::string>(d, "0020|0052", uid("98"));
        itk::EncapsulateMetaData<std::string>(d, "0008|103e", series.description);
        itk::EncapsulateMetaData<std::string>(d, "0020|0011", std::to_string(series.series_number));
        itk::EncapsulateMetaData<std::string>(d, "0020|0013", std::to_string(nz - k));
        const Vec3 p = series.positions.empty()
                           ? grid.index_to_world({0, 0, static_cast<double>(k)})
                           : series.positions[k];
        itk::EncapsulateMetaData<std::string>(d, "0020|0032", decimal_string({p.x, p.y, p.z}));
        itk::EncapsulateMetaData<std::string>(
            d, "0020|0037", decimal_string({row.x, row.y, row.z, column.x, column.y, column.z}));
        itk::EncapsulateMetaData<std::string>(d, "0018|0050", decimal_string({grid.spacing[2]}));
        pointers.push_back(&d);
    }
    auto io = itk::GDCMImageIO::New();
    io->KeepOriginalUIDOn();
    auto writer = itk::ImageSeriesWriter<FloatVolumeImage, itk::Image<float, 2>>::New();
    writer->SetInput(itk_image_of(hu));
    writer->SetImageIO(io);
    writer->SetFileNames(paths);
    writer->SetMetaDataDictionaryArray(&pointers);
    writer->Update();
}

// Writes `hu` as one Enhanced CT multi-frame file (its frames along the grid's k axis).
inline void write_multiframe_ct(const recon::Volume& hu, const std::string& file, double slope,
                                double intercept) {
    FloatVolumeImage::Pointer image = itk_image_of(hu);
    itk::MetaDataDictionary& d = image->GetMetaDataDictionary();
    put_ct_fields(d, slope, intercept);
    itk::EncapsulateMetaData<std::string>(d, "0008|0016", "1.2.840.10008.5.1.4.1.1.2.1");
    itk::EncapsulateMetaData<std::string>(d, "0008|103e", "Multi-frame");
    auto writer = itk::ImageFileWriter<FloatVolumeImage>::New();
    writer->SetInput(image);
    writer->SetImageIO(itk::GDCMImageIO::New());
    writer->SetFileName(file);
    writer->Update();
}

// Rewrites an Enhanced CT file with its frames, and their positions, in reverse order: the same
// volume stored from the last plane to the first, as scanners that go feet first may store it.
inline void reverse_frames(const std::string& file) {
    gdcm::Reader reader;
    reader.SetFileName(file.c_str());
    QVERIFY(reader.Read());
    gdcm::DataSet& data = reader.GetFile().GetDataSet();
    const gdcm::Tag per_frame(0x5200, 0x9230);
    gdcm::SmartPointer<gdcm::SequenceOfItems> frames =
        data.GetDataElement(per_frame).GetValueAsSQ();
    QVERIFY(frames && frames->GetNumberOfItems() > 1);
    const auto n = frames->GetNumberOfItems();
    gdcm::SmartPointer<gdcm::SequenceOfItems> reversed = new gdcm::SequenceOfItems;
    for (auto i = n; i >= 1; --i)
        reversed->AddItem(frames->GetItem(i));
    gdcm::DataElement frames_element(per_frame);
    frames_element.SetVR(gdcm::VR::SQ);
    frames_element.SetValue(*reversed);
    frames_element.SetVLToUndefined();
    data.Replace(frames_element);

    const gdcm::Tag pixel_tag(0x7fe0, 0x0010);
    gdcm::DataElement pixels = data.GetDataElement(pixel_tag);
    const gdcm::ByteValue* bytes = pixels.GetByteValue();
    QVERIFY(bytes);
    const std::size_t length = bytes->GetLength();
    const std::size_t frame = length / n;
    std::vector<char> flipped(length);
    for (std::size_t i = 0; i < n; ++i)
        std::copy_n(bytes->GetPointer() + i * frame, frame, flipped.data() + (n - 1 - i) * frame);
    pixels.SetByteValue(flipped.data(), static_cast<uint32_t>(length));
    data.Replace(pixels);

    gdcm::Writer writer;
    writer.SetFile(reader.GetFile());
    writer.SetFileName(file.c_str());
    QVERIFY(writer.Write());
}

}  // namespace radon::test
