package org.trialfhir.matching;

/**
 * One piece of patient data a criterion's status rests on: the resource (as the request's Bundle names it) and what
 * was read from it and how it was used ("Platelets 120000 /uL = 120 10*9/L on 2025-05-01; limit >= 75 10*9/L").
 */
public record Evidence(String reference, String value) {}
