package org.trialfhir.matching;

import org.hl7.fhir.r4.model.ResearchStudy;

/** A study returned by {@link TrialMatcher}, with its evaluation for the patient. */
public record StudyMatch(ResearchStudy study, StudyEvaluation evaluation) {}
