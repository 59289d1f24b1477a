#!/bin/sh
# catalog_builtin.sh - regenerate lib/catalog/catalog_builtin.inc, the built-in
# catalog, from the SkyPilot-format price catalogs in the shared data folder.
#
#   sh lib/catalog/catalog_builtin.sh build/gpuarb ../shared/data/skypilot_gpu_catalog > lib/catalog/catalog_builtin.inc
#
# (`make catalog` runs it.)  Every price goes through the project's own
# importer, `gpuarb catalog import --from skypilot`, which maps accelerator
# names to canonical GPU models (SkyPilot's one "H100" to the SXM, PCIe or
# NVL part by instance type), drops non-GPU accelerators, GPU-only prices
# (GCP's N1-attached GPUs) and part-GPU sizes (Azure NVv4), converts GiB to
# GB, treats a 0.00 spot price, or one equal to on-demand, as "no spot
# market", keeps only the regions listed below and merges per-zone rows
# whose prices are identical into one region-wide row.  Two things are done
# here: GCP's whole-VM price (SkyPilot prices a GCP GPU VM as the attached
# accelerators plus the host machine type, in separate files; the awk below
# adds the two, zone by zone), and measured interruption rates for AWS
# p3.2xlarge from the spot traces (p3_rates below).
# POSIX sh and awk only; stdout is the C include file.
set -eu

CLI=${1:?usage: catalog_builtin.sh GPUARB_CLI DATA_DIR}
DATA=${2:?usage: catalog_builtin.sh GPUARB_CLI DATA_DIR}
OFF=$DATA/official_skypilot_catalog
ANY=$DATA/anycloud_catalog_2026-05-20
RUNPOD=$DATA/runpod_pod_catalog_2023-10

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gpuarb-catalog.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# import PROVIDER FILE [--region GLOB]...: native CSV rows, no header.
import() {
    provider=$1
    file=$2
    shift 2
    "$CLI" catalog import --from skypilot --provider "$provider" --merge-zones "$@" "$file" \
        2>>"$TMP/log" | sed 1d
}

# GCP: join each accelerator row with the host machine types of its VM
# family in the same zone (price and spot price are sums; a spot sum only
# when both parts have a spot price).  Accelerators that GCP attaches to
# general-purpose N1 VMs (T4, V100, P100, P4) keep their GPU-only price and
# an empty InstanceType, which the importer leaves out (no N1 host price is
# in the data to make a whole VM of them).  A GPU of an
# accelerator-optimized family whose host type is missing in that zone is
# left out (counted in the log), not priced without its VM.
gcp_whole_vms() {
    awk -F, -v hostfile="$ANY/gcp_vms_gpu_host_machine_types.csv" -v logfile="$TMP/log" '
    function col(name,   i) { for (i = 1; i <= NF; i++) if ($i == name) return i; return 0 }
    function fmt(x,   s) {
        s = sprintf("%.6f", x); sub(/0+$/, "", s); sub(/\.$/, "", s); return s
    }
    BEGIN {
        # accelerator x count -> host machine types (space separated)
        fam["A100x1"] = "a2-highgpu-1g";  fam["A100x2"] = "a2-highgpu-2g"
        fam["A100x4"] = "a2-highgpu-4g";  fam["A100x8"] = "a2-highgpu-8g"
        fam["A100x16"] = "a2-megagpu-16g"
        fam["A100-80GBx1"] = "a2-ultragpu-1g"; fam["A100-80GBx2"] = "a2-ultragpu-2g"
        fam["A100-80GBx4"] = "a2-ultragpu-4g"; fam["A100-80GBx8"] = "a2-ultragpu-8g"
        fam["H100x1"] = "a3-highgpu-1g"; fam["H100x2"] = "a3-highgpu-2g"
        fam["H100x4"] = "a3-highgpu-4g"; fam["H100x8"] = "a3-highgpu-8g"
        fam["H100-MEGAx8"] = "a3-megagpu-8g"
        fam["H200x8"] = "a3-ultragpu-8g"
        fam["B200x8"] = "a4-highgpu-8g"
        fam["L4x1"] = "g2-standard-4 g2-standard-8 g2-standard-12 g2-standard-16 g2-standard-32"
        fam["L4x2"] = "g2-standard-24"; fam["L4x4"] = "g2-standard-48"
        fam["L4x8"] = "g2-standard-96"
        # host machine types by (type, zone)
        if ((getline line < hostfile) <= 0) { print "no host file" > "/dev/stderr"; exit 1 }
        nh = split(line, h, ",")
        for (i = 1; i <= nh; i++) hc[h[i]] = i
        while ((getline line < hostfile) > 0) {
            if (split(line, f, ",") != nh) { print "host file: bad row " line > "/dev/stderr"; exit 1 }
            k = f[hc["InstanceType"]] SUBSEP f[hc["AvailabilityZone"]]
            hprice[k] = f[hc["Price"]]; hspot[k] = f[hc["SpotPrice"]]
            hcpu[k] = f[hc["vCPUs"]]; hmem[k] = f[hc["MemoryGiB"]]
        }
        print "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,AvailabilityZone"
    }
    NR == 1 {
        cn = col("AcceleratorName"); cc = col("AcceleratorCount"); cr = col("Region")
        cz = col("AvailabilityZone"); cp = col("Price"); cs = col("SpotPrice"); nf = NF
        next
    }
    {
        if (NF != nf) { print "gcp file: bad row " $0 > "/dev/stderr"; exit 1 }
        acc = $cn; cnt = $cc + 0; zone = $cz
        key = acc "x" cnt
        if (!(key in fam)) {
            print "," acc "," cnt ",,," $cp "," $cs "," $cr "," zone
            gpuonly++
            next
        }
        n = split(fam[key], types, " ")
        found = 0
        for (t = 1; t <= n; t++) {
            k = types[t] SUBSEP zone
            if (!(k in hprice)) continue
            found = 1
            price = ($cp == "" ? "" : fmt($cp + hprice[k]))
            spot = ($cs == "" || hspot[k] == "" ? "" : fmt($cs + hspot[k]))
            print types[t] "," acc "," cnt "," hcpu[k] "," hmem[k] "," price "," spot "," $cr "," zone
            joined++
        }
        if (!found) nohost++
    }
    END {
        printf "gcp: %d whole-VM rows (accelerator + host), %d GPU-only rows (N1-attached), %d accelerator rows without a host type in their zone left out\n", joined, gpuonly, nohost >> logfile
    }' "$ANY/gcp_vms_gpu.csv"
}

gcp_whole_vms > "$TMP/gcp.csv"

# Measured spot interruption rates, per hour, for AWS p3.2xlarge (1x V100):
# ../shared/data/spot_traces (skypilot-org/spot-traces 221da1a, Can't Be
# Late, NSDI'24), preemption/1-node/aws-04-22-2023/*_v100_1.json and
# preemption/4-node/aws-08-03-2023/*_v100_1.json, counted as preemptions
# (drops in the number of running instances) per instance-hour running,
# pooled over the zones of a region: us-east-1 (zones 1c, 1f; 296 over
# 580.8 h) 0.51, us-west-2 (2b, 2c; 431 over 1666.2 h) 0.26.  Single zones
# range from 0.06 (us-east-2a) to 0.74 (us-east-1c).  The traces ran
# p3.2xlarge only, so larger p3 sizes keep the default.  AZ ids (use1-az2)
# map to zone names per account, so a region's pooled rate is used.
p3_rates() {
    awk -F, -v OFS=, '$4 == "p3.2xlarge" && $11 != "" && $2 == "us-east-1" { $12 = "0.51" }
                      $4 == "p3.2xlarge" && $11 != "" && $2 == "us-west-2" { $12 = "0.26" } { print }'
}

{
    echo "provider,region,zone,instance_type,gpu,gpu_count,gpu_memory_gb,vcpus,memory_gb,price_hour,spot_price_hour,interruption_rate,capacity"
    import aws "$OFF/aws_v7_vms_gpu.csv" --region us-east-1 --region us-west-2 \
        --region eu-west-1 --region eu-central-1 --region ap-northeast-1 | p3_rates
    import gcp "$TMP/gcp.csv" --region us-central1 --region us-east1 --region us-east4 \
        --region us-west1 --region europe-west4 --region asia-northeast1
    import azure "$ANY/azure_vms_gpu.csv" --region eastus --region eastus2 --region westus2 \
        --region westus3 --region southcentralus --region westeurope --region northeurope \
        --region japaneast
    import lambda "$ANY/lambda_vms_gpu.csv" --region us-east-1 --region us-west-1 \
        --region us-south-1 --region europe-central-1 --region asia-northeast-1
    import runpod "$RUNPOD/runpod_vms_gpu.csv" --region US --region CA --region NL --region SE
    import vast "$ANY/vast_vms_gpu.csv"
    import nebius "$OFF/nebius_v7_vms_gpu.csv"
    import fluidstack "$OFF/fluidstack_v6_vms_gpu.csv"
    import paperspace "$OFF/paperspace_v6_vms_gpu.csv"
    import hyperbolic "$OFF/hyperbolic_v7_vms_gpu.csv"
} > "$TMP/all.csv"

# Check the result loads, and count it, with the same CLI.
"$CLI" catalog --catalog "$TMP/all.csv" --format csv > "$TMP/check.csv"
ROWS=$(($(wc -l < "$TMP/all.csv") - 1))
PROVIDERS=$(sed 1d "$TMP/all.csv" | cut -d, -f1 | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//; s/ /, /g')

cat <<EOF
/*
 * catalog_builtin.inc - GENERATED by lib/catalog/catalog_builtin.sh (make catalog);
 * do not edit.  The built-in catalog: $ROWS GPU offers of $PROVIDERS,
 * real public list prices (USD per instance-hour) in the native CSV of
 * SPEC section 1, imported with \`gpuarb catalog import --from skypilot\`.
 *
 * Sources (SkyPilot catalog format; see ../shared/data/skypilot_gpu_catalog/SOURCE.md):
 *  - aws: github.com/skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv,
 *    commit 001367d22a0033fac286a8c71aeac7109e431bcb (date not recorded; v7, 2025-2026).
 *    Regions us-east-1, us-west-2, eu-west-1, eu-central-1, ap-northeast-1.  Spot prices
 *    are per availability zone, so most AWS rows keep their zone (AZ id, e.g. use1-az2).
 *  - gcp: github.com/anycloud-sh/catalog commit 62ff0a987e0c257a89235415d2877812fb1aaf29
 *    (2026-05-20), gcp vms.csv accelerator rows + gcp host machine types.
 *    Regions us-central1, us-east1, us-east4, us-west1, europe-west4, asia-northeast1.
 *    A100 (a2-highgpu-*g, a2-megagpu-16g), A100-80GB (a2-ultragpu-*g), H100 (a3-highgpu-*g,
 *    a3-megagpu-8g), H200 (a3-ultragpu-8g), B200 (a4-highgpu-8g) and L4 (g2-standard-*)
 *    are WHOLE-VM prices: accelerator price + host machine type price in the same zone
 *    (the a4-highgpu-8g host is listed at 0.00, so B200 is the accelerator price).
 *    T4, V100, P100 and P4 attach to general-purpose N1 VMs; the data has their
 *    GPU-only price and no N1 host price, so they are LEFT OUT (a GPU without
 *    its VM would look 3-10x cheaper than it is).
 *  - azure, lambda, vast: github.com/anycloud-sh/catalog commit
 *    62ff0a987e0c257a89235415d2877812fb1aaf29 (2026-05-20).  Azure regions eastus, eastus2,
 *    westus2, westus3, southcentralus, westeurope, northeurope, japaneast (fractional-GPU
 *    NVadsA10 sizes and the NVv4 sizes that sell 1/8-1/2 of an MI25 left out;
 *    ND96isr_H200_v5 lists spot = on-demand: no spot market); lambda us-east-1, us-west-1, us-south-1, europe-central-1,
 *    asia-northeast-1; vast: the whole marketplace snapshot (no spot: vast lists 0.00).
 *  - runpod: github.com/runpod/pod-catalog vms.csv, commit
 *    a8c44b4ee6cbd11ed3fcb3daddb566e8690a5724 (2023-10-09; OLD prices).  Regions US, CA, NL, SE.
 *  - nebius (catalogs/v7, commit 22fd1feab9aa97a155f0f5a9d39351d9aa8ae9be), fluidstack
 *    (catalogs/v6, 002403bca05e2ab5110637448f3b1654c983d5d5), paperspace (catalogs/v6,
 *    e520054145d1bce6748bcf18c9a25ddd6ea9a348), hyperbolic (catalogs/v7,
 *    00e7b160594c0b6168e0cebca7011cc431a831bb): github.com/skypilot-org/skypilot-catalog,
 *    dates not recorded; all rows.
 * interruption_rate is empty (the default 0.05/h) except AWS p3.2xlarge in us-east-1
 * (0.51/h) and us-west-2 (0.26/h), measured in the spot traces (see p3_rates in
 * catalog_builtin.sh); capacity is unlimited everywhere.
 *
 * Offers per provider: $(sed 1d "$TMP/all.csv" | cut -d, -f1 | sort | uniq -c | awk '{printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1}')
 *
 * Import log (counts before the region filter):
EOF
sed -e "s|$TMP/gcp.csv|gcp_vms_gpu.csv joined with gcp_vms_gpu_host_machine_types.csv|" \
    -e "s|$DATA/||" -e 's/^gpuarb: //' -e 's/^/ *   /' -e 's/\*\//* \//g' "$TMP/log"
cat <<EOF
 */
#define GA_BUILTIN_INFO "built-in catalog: $ROWS offers ($PROVIDERS); list prices from SkyPilot-format catalogs: anycloud-sh/catalog 62ff0a9 (2026-05-20: gcp, azure, lambda, vast), skypilot-org/skypilot-catalog (aws 001367d, nebius, fluidstack, paperspace, hyperbolic; dates not recorded), runpod/pod-catalog a8c44b4 (2023-10-09)"

/* Per provider: where its prices come from and their date (NULL: not recorded). */
static const struct {
    const char *provider, *source, *date;
} GA_BUILTIN_SOURCES[] = {
    {"aws", "skypilot-org/skypilot-catalog 001367d catalogs/v7/aws/vms.csv", NULL},
    {"gcp", "anycloud-sh/catalog 62ff0a9 gcp/vms.csv (accelerators + host machine types)", "2026-05-20"},
    {"azure", "anycloud-sh/catalog 62ff0a9 azure/vms.csv", "2026-05-20"},
    {"lambda", "anycloud-sh/catalog 62ff0a9 lambda/vms.csv", "2026-05-20"},
    {"runpod", "runpod/pod-catalog a8c44b4 vms.csv", "2023-10-09"},
    {"vast", "anycloud-sh/catalog 62ff0a9 vast/vms.csv", "2026-05-20"},
    {"nebius", "skypilot-org/skypilot-catalog 22fd1fe catalogs/v7/nebius/vms.csv", NULL},
    {"fluidstack", "skypilot-org/skypilot-catalog 002403b catalogs/v6/fluidstack/vms.csv", NULL},
    {"paperspace", "skypilot-org/skypilot-catalog e520054 catalogs/v6/paperspace/vms.csv", NULL},
    {"hyperbolic", "skypilot-org/skypilot-catalog 00e7b16 catalogs/v7/hyperbolic/vms.csv", NULL},
};

static const char *const GA_BUILTIN_LINES[] = {
EOF
awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); print "    \"" $0 "\"," }' "$TMP/all.csv"
echo "};"
