package io.nxs.rollout.release;

/**
 * A release archive whose signature and every file's hash were checked.
 *
 * @param directory the release directory in the archive, {@code nxs-<version>}
 * @param version its version, from the signed {@code VERSION} file
 * @param manifest the signed manifest
 */
public record VerifiedRelease(String directory, ReleaseVersion version, Manifest manifest) {}
