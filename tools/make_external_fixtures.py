#!/usr/bin/env python3
"""Writes tests/data/external: small CT volumes in the layouts real data comes in, written by
writers independent of Radon Studio (nibabel, pydicom, SimpleITK, pynrrd), with the truth each
file must load as.

Every volume holds the same analytic HU field on its own grid,
    HU(i, j, k) = -1000 + 37 i + 11 j + 101 k      (i fastest: columns, then rows, then slices),
(in steps of hu_step where the stored type cannot hold every value),
so a reader that swaps, flips or mis-scales an axis, or drops a rescale, gets other values. Each
case records in truth.json the grid the file must load as in patient LPS millimetres (size,
spacing, origin, direction columns = index axes in world), derived here from what the writer was
told, by the convention of its format (NIfTI: RAS affine, negate x and y; DICOM, NRRD in LPS,
MetaImage: LPS as given), never by reading the file back.

Usage (the files are committed; run again only to change them):
    python3 -m venv /tmp/fixtures-venv
    /tmp/fixtures-venv/bin/pip install numpy nibabel pydicom SimpleITK pynrrd
    /tmp/fixtures-venv/bin/python tools/make_external_fixtures.py tests/data/external
"""

import json
import math
import os
import shutil
import sys

import nibabel
import nrrd
import numpy as np
import pydicom
import SimpleITK as sitk
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SIZE = (12, 10, 8)  # columns (i), rows (j), slices (k)


def hu_field(size=SIZE):
    i, j, k = np.meshgrid(*(np.arange(n) for n in size), indexing="ij")
    return (-1000 + 37 * i + 11 * j + 101 * k).astype(np.float64)  # [i, j, k]


def rotation(axis, degrees):
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    a = {"x": [[1, 0, 0], [0, c, -s], [0, s, c]],
         "y": [[c, 0, s], [0, 1, 0], [-s, 0, c]],
         "z": [[c, -s, 0], [s, c, 0], [0, 0, 1]]}[axis]
    return np.array(a, dtype=np.float64)


OBLIQUE = rotation("z", 20) @ rotation("x", -12)


def truth(name, path, size, spacing, origin_lps, direction_lps, writer, layout, **extra):
    record = {
        "name": name,
        "path": path,
        "writer": writer,
        "layout": layout,
        "size": list(size),
        "spacing": [float(v) for v in spacing],
        "origin": [float(v) for v in origin_lps],
        # direction[r][c]: world axis r of index axis c, as ITK's direction matrix.
        "direction": [[float(v) for v in row] for row in direction_lps],
        "hu": "-1000 + 37 i + 11 j + 101 k, rounded down to a multiple of hu_step above -1000",
        "hu_step": 1,
    }
    record.update(extra)
    return record


# ---- NIfTI (nibabel) --------------------------------------------------------------------------

def nifti_cases(out):
    cases = []
    spacing = np.array([0.8, 0.9, 2.5])
    field = hu_field()

    def affine_from(direction_ras, origin_ras):
        a = np.eye(4)
        a[:3, :3] = direction_ras * spacing
        a[:3, 3] = origin_ras
        return a

    def lps(direction_ras, origin_ras):
        flip = np.diag([-1.0, -1.0, 1.0])
        return flip @ origin_ras, flip @ direction_ras

    def save(name, data, affine, dtype, slope, inter, qform, sform, layout, suffix=".nii"):
        image = nibabel.Nifti1Image(data.astype(dtype), None)
        header = image.header
        header.set_data_dtype(dtype)
        header.set_xyzt_units("mm")
        if qform:
            image.set_qform(affine, code=1)
        else:
            image.set_qform(None, code=0)
        if sform:
            image.set_sform(affine, code=1)
        else:
            image.set_sform(None, code=0)
        header["pixdim"][1:4] = spacing
        header.set_slope_inter(slope, inter)
        path = name + suffix
        nibabel.save(image, os.path.join(out, path))
        direction_ras = affine[:3, :3] / spacing
        origin, direction = lps(direction_ras, affine[:3, 3])
        cases.append(truth(name, path, SIZE, spacing, origin, direction, "nibabel " +
                           nibabel.__version__, layout))

    # Most CT NIfTI: int16 stored, slope 1, intercept -1024, x flipped (RAS affine with -x) as
    # radiology exports give; the stored values are HU + 1024.
    flip_x = np.diag([-1.0, 1.0, 1.0])
    origin = np.array([120.0, -80.0, -300.0])
    save("nifti_int16_scaled_flipped", field + 1024, affine_from(flip_x, origin), np.int16, 1.0,
         -1024.0, True, True, "int16, scl_slope 1, scl_inter -1024, x flipped, qform and sform",
         ".nii.gz")
    # uint8 with slope and intercept: HU = 5 v - 1000 holds the field in steps of 5 HU.
    step = 5
    stepped = -1000 + step * np.floor((field + 1000) / step)
    save("nifti_uint8_scaled", (stepped + 1000) / step, affine_from(np.eye(3), origin), np.uint8,
         float(step), -1000.0, True, True, "uint8, scl_slope 5, scl_inter -1000")
    cases[-1]["hu_step"] = step
    save("nifti_float_sform_only", field, affine_from(OBLIQUE, origin), np.float32, None, None,
         False, True, "float32, oblique, sform only (qform_code 0)")
    save("nifti_int16_qform_only", field, affine_from(OBLIQUE @ np.diag([1.0, -1.0, 1.0]), origin),
         np.int16, None, None, True, False, "int16, oblique with y flipped, qform only (sform_code 0)")
    return cases


# ---- NRRD (pynrrd) ----------------------------------------------------------------------------

def nrrd_cases(out):
    cases = []
    field = hu_field()
    spacing = np.array([0.7, 0.7, 3.0])
    origin = np.array([-40.0, 25.0, 110.0])
    for name, direction, detached, layout in (
        ("nrrd_int16_flipped", np.diag([1.0, -1.0, -1.0]), False, "int16, y and z flipped, gzip"),
        ("nrrd_oblique_detached", OBLIQUE, True, "int16, oblique, detached raw data (.nhdr)"),
    ):
        header = {
            "space": "left-posterior-superior",
            "space directions": (direction * spacing).T,  # one row per index axis
            "space origin": origin,
            "kinds": ["domain", "domain", "domain"],
            "encoding": "raw" if detached else "gzip",
        }
        path = name + (".nhdr" if detached else ".nrrd")
        nrrd.write(os.path.join(out, path), field.astype(np.int16), header,
                   detached_header=detached, index_order="F")
        cases.append(truth(name, path, SIZE, spacing, origin, direction,
                           "pynrrd " + nrrd.__version__, layout))
    return cases


# ---- MetaImage (SimpleITK) --------------------------------------------------------------------

def metaimage_cases(out):
    cases = []
    field = hu_field()
    spacing = (0.6, 0.75, 1.25)
    origin = (12.5, -30.0, 64.0)
    direction = OBLIQUE @ np.diag([-1.0, 1.0, 1.0])
    image = sitk.GetImageFromArray(np.transpose(field, (2, 1, 0)).astype(np.int16))  # [k, j, i]
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    image.SetDirection(direction.flatten().tolist())
    path = "mha_int16_oblique_flipped.mha"
    sitk.WriteImage(image, os.path.join(out, path), useCompression=True)
    cases.append(truth("mha_int16_oblique_flipped", path, SIZE, spacing, origin, direction,
                       "SimpleITK " + sitk.Version.VersionString(),
                       "int16, oblique with x flipped, compressed"))
    return cases


# ---- DICOM (pydicom) --------------------------------------------------------------------------

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
ENHANCED_CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2.1"


def dicom_base(sop_class, series_uid, study_uid, frame_uid, description):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "CT"
    ds.PatientName = "Fixture^External"
    ds.PatientID = "EXT0001"
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.FrameOfReferenceUID = frame_uid
    ds.SeriesDescription = description
    ds.SeriesNumber = 7
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    return ds


def dicom_cases(out):
    cases = []
    field = hu_field()
    spacing = (0.65, 0.8, 2.0)  # column spacing, row spacing, slice gap
    row_dir = OBLIQUE[:, 0]     # direction of increasing column index i
    col_dir = OBLIQUE[:, 1]     # direction of increasing row index j
    normal = np.cross(row_dir, col_dir)
    origin = np.array([-60.0, -45.0, 200.0])
    study, frame = generate_uid(), generate_uid()

    # A classic series, one file per slice, each with its own rescale slope and intercept, files
    # named in an order that is not the slice order.
    folder = "dicom_per_slice_rescale"
    os.makedirs(os.path.join(out, folder))
    series = generate_uid()
    for k in range(SIZE[2]):
        ds = dicom_base(CT_IMAGE_STORAGE, series, study, frame, "per-slice rescale")
        slope, intercept = (1.0, -1024.0) if k % 2 == 0 else (0.5, -2048.0 + k)
        stored = np.round((field[:, :, k] - intercept) / slope)
        assert np.all(stored * slope + intercept == field[:, :, k])
        ds.Rows, ds.Columns = SIZE[1], SIZE[0]
        ds.PixelSpacing = [spacing[1], spacing[0]]  # row spacing, then column spacing
        ds.SliceThickness = spacing[2]
        ds.ImageOrientationPatient = [float(v) for v in (*row_dir, *col_dir)]
        ds.ImagePositionPatient = [float(v) for v in origin + k * spacing[2] * normal]
        ds.InstanceNumber = k + 1
        ds.RescaleSlope = slope
        ds.RescaleIntercept = intercept
        ds.RescaleType = "HU"
        ds.PixelData = stored.T.astype(np.int16).tobytes()  # rows of columns
        name = "slice_%02d.dcm" % ((k * 5) % SIZE[2])
        pydicom.dcmwrite(os.path.join(out, folder, name), ds, enforce_file_format=True)
    direction = np.column_stack([row_dir, col_dir, normal])
    cases.append(truth(folder, folder, SIZE, spacing, origin, direction,
                       "pydicom " + pydicom.__version__,
                       "CT Image Storage, one file a slice, rescale differs per slice, oblique"))

    # One Enhanced CT file holding every slice as a frame, placed by per-frame functional groups,
    # stored top slice first.
    ds = dicom_base(ENHANCED_CT_IMAGE_STORAGE, generate_uid(), study, frame, "multi-frame")
    ds.Rows, ds.Columns = SIZE[1], SIZE[0]
    ds.NumberOfFrames = SIZE[2]
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [spacing[1], spacing[0]]
    measures.SliceThickness = spacing[2]
    shared.PixelMeasuresSequence = [measures]
    orientation = Dataset()
    orientation.ImageOrientationPatient = [float(v) for v in (*row_dir, *col_dir)]
    shared.PlaneOrientationSequence = [orientation]
    rescale = Dataset()
    rescale.RescaleSlope = 1.0
    rescale.RescaleIntercept = -1024.0
    rescale.RescaleType = "HU"
    shared.PixelValueTransformationSequence = [rescale]
    ds.SharedFunctionalGroupsSequence = [shared]
    frames, pixels = [], []
    for k in reversed(range(SIZE[2])):
        group = Dataset()
        position = Dataset()
        position.ImagePositionPatient = [float(v) for v in origin + k * spacing[2] * normal]
        group.PlanePositionSequence = [position]
        frames.append(group)
        pixels.append((field[:, :, k] + 1024).T.astype(np.int16).tobytes())
    ds.PerFrameFunctionalGroupsSequence = frames
    ds.PixelData = b"".join(pixels)
    path = "dicom_multiframe.dcm"
    pydicom.dcmwrite(os.path.join(out, path), ds, enforce_file_format=True)
    cases.append(truth("dicom_multiframe", path, SIZE, spacing, origin, direction,
                       "pydicom " + pydicom.__version__,
                       "Enhanced CT, one file, frames stored top first, shared rescale, oblique"))
    return cases


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/external"
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    cases = nifti_cases(out) + nrrd_cases(out) + metaimage_cases(out) + dicom_cases(out)
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump({"generator": "tools/make_external_fixtures.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), out))


if __name__ == "__main__":
    main()
