package org.trialfhir.corpus;

import java.util.List;
import org.trialfhir.corpus.SyntheticTrial.CellDose;
import org.trialfhir.corpus.SyntheticTrial.DrugDose;

/**
 * A trial's cell product and schedule, with the texts that state them: the arm descriptions (the most specific
 * place, where the schedule is spelled out), the interventions' descriptions and the paragraphs the detailed
 * description adds.
 *
 * @param product the product's name, e.g. "CD19 CAR-T cells"
 * @param interventionType the product's CT.gov intervention type (BIOLOGICAL, DRUG or GENETIC)
 * @param kind the product kind as written in titles (CAR-T, CAR T, CAR-NK, TCR-T)
 * @param productDescription the product intervention's description
 * @param regimen the first arm's description: lymphodepletion, infusion days and dose levels
 * @param laterArm a second arm's description (the same schedule at the recommended dose, no dose levels)
 * @param drugInterventions lymphodepletion drugs listed as interventions of their own, with their descriptions
 * @param design the detailed description's paragraph on the design and dose levels
 */
record Treatment(
    String product,
    String interventionType,
    String kind,
    String target,
    String productDescription,
    String regimen,
    String laterArm,
    List<DrugIntervention> drugInterventions,
    String design,
    List<DrugDose> lymphodepletion,
    List<CellDose> cellDoses,
    List<Integer> infusionDays) {

  /** A lymphodepletion drug listed as an intervention of its own ("Fludarabine", type DRUG). */
  record DrugIntervention(String name, String description) {}
}
