/**
 * PET standardised uptake value (SUV) from the DICOM PET header, as the QIBA/UPICT vendor-neutral SUV
 * pseudo-code defines it:
 *
 *   SUVbw  = activity concentration [Bq/ml] * body weight [g] / decay-corrected injected dose [Bq]
 *   SUVlbm = the same with the lean body mass (James 1976: male 1.10 W - 128 (W/H)^2, female
 *            1.07 W - 148 (W/H)^2, W in kg, H in cm) instead of the body weight
 *   decay-corrected dose = RadionuclideTotalDose * 2^(-(scan start - injection) / RadionuclideHalfLife)
 *
 * Requirements: Units BQML, DecayCorrection START (images decay-corrected to the scan start), a
 * RadiopharmaceuticalInformationSequence with dose, half-life and start (date)time, PatientWeight
 * (PatientSize and PatientSex for LBM). The scan start is SeriesDate/SeriesTime when it is not later
 * than every AcquisitionDate/Time of the series, else the earliest acquisition (as QIBA). Result in
 * g/ml (SUVbw) - the unit stated in the note.
 */
import { InputError } from "../../errors.js";
import { type Dataset, item, num, str } from "./dataset.js";

export type SuvMode = "bw" | "lbm";

function tm(v: unknown): number {
  const s = str(v).replace(/:/g, "");
  if (!/^\d{2,6}(\.\d+)?$/.test(s)) return Number.NaN;
  return (
    Number(s.slice(0, 2)) * 3600 +
    (s.length >= 4 ? Number(s.slice(2, 4)) * 60 : 0) +
    (s.length > 4 ? Number(s.slice(4)) : 0)
  );
}

function da(v: unknown): number {
  const s = str(v);
  if (!/^\d{8}$/.test(s)) return Number.NaN;
  return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8))) / 1000;
}

/** Seconds (epoch) of a DA + TM pair, or of a DT. */
function when(date: unknown, time: unknown): number {
  const d = da(date);
  const t = tm(time);
  return (Number.isFinite(d) ? d : 0) + t;
}

function dtWhen(v: unknown): number {
  const s = str(v);
  if (s.length < 10) return Number.NaN;
  return when(s.slice(0, 8), s.slice(8).replace(/[+-]\d{4}$/, ""));
}

export interface SuvResult {
  factor: number;
  note: string;
}

export function suvFactor(ds: Dataset, mode: SuvMode, all: Dataset[], name: string): SuvResult {
  const need = (cond: boolean, what: string) => {
    if (!cond) throw new InputError(`SUV: ${what}`, name);
  };
  need(
    str(ds.Modality) === "PT",
    `Modality is ${str(ds.Modality) || "missing"}, SUV needs a PET series (PT)`,
  );
  need(str(ds.Units).toUpperCase() === "BQML", `Units is "${str(ds.Units) || "missing"}", SUV needs BQML`);
  const dc = str(ds.DecayCorrection).toUpperCase();
  need(
    dc === "START",
    `DecayCorrection is "${dc || "missing"}", SUV needs START (images decay-corrected to the scan start)`,
  );
  const rp = item(ds.RadiopharmaceuticalInformationSequence);
  need(rp !== undefined, "RadiopharmaceuticalInformationSequence is missing");
  const dose = num(rp!.RadionuclideTotalDose);
  const half = num(rp!.RadionuclideHalfLife);
  need(dose > 0, `RadionuclideTotalDose is "${str(rp!.RadionuclideTotalDose) || "missing"}"`);
  need(half > 0, `RadionuclideHalfLife is "${str(rp!.RadionuclideHalfLife) || "missing"}"`);
  let inj = dtWhen(rp!.RadiopharmaceuticalStartDateTime);
  if (!Number.isFinite(inj)) {
    const t = tm(rp!.RadiopharmaceuticalStartTime);
    need(Number.isFinite(t), "RadiopharmaceuticalStartTime / StartDateTime is missing");
    // the start time has no date: the series date is assumed
    inj = when(ds.SeriesDate ?? ds.AcquisitionDate, rp!.RadiopharmaceuticalStartTime);
  }
  const series = when(ds.SeriesDate, ds.SeriesTime);
  const acq = Math.min(
    ...all.map((d) => when(d.AcquisitionDate ?? d.SeriesDate, d.AcquisitionTime)).filter(Number.isFinite),
  );
  let start = series;
  let startFrom = "SeriesTime";
  if (!Number.isFinite(series) || (Number.isFinite(acq) && series > acq)) {
    need(Number.isFinite(acq), "SeriesTime and AcquisitionTime are missing");
    start = acq;
    startFrom = "earliest AcquisitionTime (SeriesTime is later)";
  }
  const elapsed = start - inj;
  need(
    elapsed >= 0 && elapsed < 86400 * 2,
    `scan start is ${elapsed.toFixed(0)} s after the injection (check the times)`,
  );
  const weightKg = num(ds.PatientWeight);
  need(weightKg > 0, `PatientWeight is "${str(ds.PatientWeight) || "missing"}"`);
  const decayed = dose * 2 ** (-elapsed / half);
  let massKg = weightKg;
  let what = `body weight ${weightKg} kg`;
  if (mode === "lbm") {
    const hM = num(ds.PatientSize);
    need(hM > 0, `PatientSize is "${str(ds.PatientSize) || "missing"}" (lean body mass needs the height)`);
    const sex = str(ds.PatientSex).toUpperCase();
    need(sex === "M" || sex === "F", `PatientSex is "${sex || "missing"}" (lean body mass needs M or F)`);
    const hCm = hM * 100;
    massKg =
      sex === "M"
        ? 1.1 * weightKg - 128 * (weightKg / hCm) ** 2
        : 1.07 * weightKg - 148 * (weightKg / hCm) ** 2;
    need(massKg > 0, `lean body mass (James) is ${massKg.toFixed(2)} kg`);
    what = `lean body mass (James, ${sex}) ${massKg.toFixed(3)} kg`;
  }
  const factor = (massKg * 1000) / decayed;
  return {
    factor,
    note: `PET values converted to SUV${mode} (g/ml): ${what}, dose ${dose} Bq decayed over ${elapsed.toFixed(0)} s (half-life ${half} s, scan start from ${startFrom}) to ${decayed.toPrecision(6)} Bq`,
  };
}
