package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trialfhir.validation.ValidationSupportFactory;

/**
 * Each operation provider and its OperationDefinition in profiles/ say the same: the in-parameters the method binds
 * are exactly those the definition lists, the levels (type, instance) agree, and the definition refines R4's.
 */
class OperationDefinitionsTest {
  private static final FhirContext CTX = FhirContext.forR4Cached();

  @ParameterizedTest(name = "{0}")
  @ValueSource(classes = {TranslateOperationProvider.class, LookupOperationProvider.class, ExpandOperationProvider.class})
  void theDefinitionListsExactlyTheParametersTheProviderBinds(Class<?> provider) {
    Method method = List.of(provider.getMethods()).stream()
        .filter(m -> m.isAnnotationPresent(Operation.class)).findFirst().orElseThrow();
    Operation operation = method.getAnnotation(Operation.class);
    String type = CTX.getResourceType(operation.type());
    String code = operation.name().substring(1);
    OperationDefinition od = definition(type, code);
    assertNotNull(od, "no OperationDefinition in profiles/ for " + type + " $" + code);

    Set<String> bound = new TreeSet<>();
    boolean instance = false;
    for (Annotation[] annotations : method.getParameterAnnotations()) {
      for (Annotation annotation : annotations) {
        if (annotation instanceof OperationParam param) {
          bound.add(param.name());
        } else if (annotation instanceof IdParam id) {
          instance = true;
          assertTrue(id.optional(), "the operation must work at type level too");
        }
      }
    }
    Set<String> declared = new TreeSet<>();
    od.getParameter().stream().filter(p -> p.getUse() == OperationParameterUse.IN).forEach(p -> declared.add(p.getName()));
    assertEquals(declared, bound, od.getUrl());
    assertEquals(instance, od.getInstance(), od.getUrl());
    assertEquals(true, od.getType(), od.getUrl());
    assertEquals(operation.idempotent(), !od.getAffectsState(), od.getUrl());
    assertEquals("http://hl7.org/fhir/OperationDefinition/" + type + "-" + code, od.getBase(), od.getUrl());
    assertEquals("https://trialfhir.org/fhir/OperationDefinition/" + od.getIdPart(), od.getUrl());
  }

  private static OperationDefinition definition(String type, String code) {
    List<OperationDefinition> found = new ArrayList<>();
    for (ValidationSupportFactory.Source source : ValidationSupportFactory.classpathSources()) {
      if (CTX.newJsonParser().parseResource(source.json()) instanceof OperationDefinition od
          && code.equals(od.getCode()) && od.getResource().stream().anyMatch(r -> type.equals(r.getValue()))) {
        found.add(od);
      }
    }
    assertFalse(found.size() > 1, "several OperationDefinitions for " + type + " $" + code);
    return found.isEmpty() ? null : found.get(0);
  }
}
