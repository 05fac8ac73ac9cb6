/**
 * Classes that break the architecture rules on purpose, one rule each, under a root of their own:
 * {@code ArchitectureRulesCanFailTest} runs every rule on them and expects it to fail. Never
 * imported by {@code ArchitectureTest} (it reads main classes only).
 */
package io.nxs.archfixture;
