#pragma once

#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/pet/tof_binning.h"

namespace radon::pet {

// PET scanner geometry: where every crystal is and which way it faces.
//
// Frame (docs/CONVENTIONS.md, "PET"). The scanner frame's axes are the CT's patient LPS axes:
// x toward the patient's left, y toward posterior, z (the scanner axis) toward superior. Its
// origin is the scanner centre: on the axis, midway between the first and the last ring. The
// scanner sits in the LPS world with that centre at `isocentre_lps` (no rotation: the scanner
// axis is the patient's S-I axis).
//
// Crystal numbering. A crystal's azimuth is its angle about the axis, measured in the transaxial
// plane from +x (patient left) toward +y (posterior). Crystal 0 of every ring sits at the azimuth
// `first_crystal_azimuth_deg` (default -90: anterior, the top of the gantry for a supine
// patient), and crystal numbers increase with azimuth: anterior -> left -> posterior -> right.
// Seen from the patient's feet (the radiological view: patient left on the right of the screen,
// anterior up) they turn clockwise. Ring numbers increase toward superior (+z).
// Crystal id = (layer * rings + ring) * detectors_per_ring + crystal in ring; layer 0 is the
// innermost DOI layer (YRT-PET's LUT order).
//
// Crystal centres sit at the average depth of interaction: a flat face (a polygon side, a
// block's or module's front) at distance inner radius + average DOI from the axis.
struct Crystal {
    Vec3 centre;      // scanner frame, mm
    Vec3 normal;      // unit, perpendicular to the crystal's face, pointing to the scanner axis
    Vec3 transaxial;  // unit, along the face in the direction crystal numbers increase
    Vec3 axial;       // unit, +z
    bool is_virtual = false;  // a gap counted as a crystal (Siemens' "13+1" blocks): no counts
    // Where it sits in the scanner's mechanics, for views and for data organised by block: the
    // module (flat face, or polygon side) within its ring, the transaxial block within its ring
    // (the module for a polygon), and the axial block (rings of a block scanner grouped by
    // crystals_per_block_axial; 0 elsewhere). -1 for crystals given one by one.
    int module = 0;
    int block = 0;
    int axial_block = 0;
};

struct ScannerGeometry {
    std::string name;
    int detectors_per_ring = 0;
    int rings = 0;
    int doi_layers = 1;
    double inner_radius_mm = 0;     // axis to the crystals' front faces (flat-face centre)
    double average_doi_mm = 0;      // front face to where crystal centres are placed
    int max_ring_difference = 0;    // largest |ring difference| of a valid LOR
    int min_angle_difference = 1;   // smallest in-ring crystal distance of a valid LOR
    std::vector<double> ring_z_mm;  // scanner frame, one per ring, increasing
    std::vector<Crystal> crystals;  // by crystal id
    Vec3 isocentre_lps;             // world position of the scanner centre
    TofBinning tof;                 // the scanner's native TOF binning (bins == 1: none)

    int crystal_count() const { return static_cast<int>(crystals.size()); }
    int crystal_id(int ring, int crystal_in_ring, int layer = 0) const {
        return (layer * rings + ring) * detectors_per_ring + crystal_in_ring;
    }
    int ring_of(int crystal_id) const { return (crystal_id / detectors_per_ring) % rings; }
    int crystal_in_ring_of(int crystal_id) const { return crystal_id % detectors_per_ring; }
    // Crystal centre in the LPS world, mm.
    Vec3 world_centre(int crystal_id) const {
        return crystals[static_cast<std::size_t>(crystal_id)].centre + isocentre_lps;
    }
    double effective_radius_mm() const { return inner_radius_mm + average_doi_mm; }
};

// parallelproj's regular-polygon model: `sides` flat faces, each with `crystals_per_side`
// crystals at `crystal_pitch_mm`, the face centres at inner radius + DOI from the axis, one
// polygon per ring at `ring_z_mm` (scanner frame; empty: `rings` rings `ring_spacing_mm` apart,
// centred on z = 0). One crystal per side gives crystals on a circle.
struct RegularPolygonSpec {
    std::string name = "regular polygon";
    double inner_radius_mm = 0;
    double average_doi_mm = 0;
    int sides = 0;
    int crystals_per_side = 0;
    double crystal_pitch_mm = 0;
    int rings = 0;
    double ring_spacing_mm = 0;
    std::vector<double> ring_z_mm;
    int max_ring_difference = -1;  // -1: rings - 1
    int min_angle_difference = 1;
    double first_crystal_azimuth_deg = -90;
    Vec3 isocentre_lps;
    TofBinning tof;
};

// A block description with YRT-PET's scanner fields (radius, detectors per ring, rings, crystal
// size transaxial/axial/depth, DOI layers, maximum ring difference, minimum angle difference)
// and the block structure: crystals per block, blocks per module, gaps between blocks and
// modules. Each module is a flat face; modules sit at equal azimuth steps, so the transaxial gap
// between modules follows from the radius and the module width (make_scanner checks that they
// do not overlap at the depth where the crystal centres are placed: published block scanners
// counted with virtual crystals, such as the mCT's 13+1, are only consistent there). Axially, rings
// follow each other at the crystal pitch, plus the block gap at each block boundary and the module
// gap at each module boundary, centred on z = 0.
struct BlockScannerSpec {
    std::string name = "block scanner";
    double radius_mm = 0;       // inner radius: axis to the modules' front faces
    double average_doi_mm = 0;  // single-layer scanners; layers > 1 use each layer's mid-depth
    int detectors_per_ring = 0;
    int rings = 0;
    double crystal_size_transaxial_mm = 0;
    double crystal_size_axial_mm = 0;
    double crystal_depth_mm = 0;
    double crystal_pitch_transaxial_mm = 0;  // centre to centre within a block (>= size)
    double crystal_pitch_axial_mm = 0;
    int crystals_per_block_transaxial = 0;  // including virtual crystals
    int crystals_per_block_axial = 0;
    int virtual_crystals_per_block_transaxial = 0;  // the last ones of each block
    int blocks_per_module_transaxial = 1;
    int blocks_per_module_axial = 1;
    double block_gap_transaxial_mm = 0;
    double block_gap_axial_mm = 0;
    double module_gap_axial_mm = 0;
    int doi_layers = 1;
    int max_ring_difference = -1;  // -1: rings - 1
    int min_angle_difference = 1;
    double first_crystal_azimuth_deg = -90;
    Vec3 isocentre_lps;
    TofBinning tof;
};

// Crystals given one by one (from another tool), in crystal id order: `rings` rings of
// `detectors_per_ring` crystals. Normals may be left empty: each then points from the crystal
// straight to the axis.
struct ExplicitScannerSpec {
    std::string name = "explicit crystal list";
    int detectors_per_ring = 0;
    int rings = 0;
    std::vector<Vec3> centres;  // scanner frame, mm
    std::vector<Vec3> normals;  // empty, or one unit vector per crystal pointing inward
    int max_ring_difference = -1;
    int min_angle_difference = 1;
    Vec3 isocentre_lps;
    TofBinning tof;
};

// The crystal whose centre lies nearest to `world_lps` (mm), and that distance; -1 for a scanner
// without crystals. Searches the nearest ring's crystals (and, for DOI scanners, every layer).
int nearest_crystal(const ScannerGeometry& scanner, const Vec3& world_lps, double& distance_mm);

// Each throws InvalidArgument naming the field, its value and the expected range.
ScannerGeometry make_scanner(const RegularPolygonSpec& spec);
ScannerGeometry make_scanner(const BlockScannerSpec& spec);
ScannerGeometry make_scanner(const ExplicitScannerSpec& spec);

// Checks a TOF binning; `what` prefixes the message ("tof").
void validate_tof(const TofBinning& tof, const std::string& what);

// Speed of light over two: mm of LOR position per ps of arrival-time difference.
constexpr double kTofMmPerPs = 0.299792458 / 2.0;

}  // namespace radon::pet
