package io.nxs.vault.internal;

import io.nxs.core.log.Redaction;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository in an S3-compatible bucket (AWS SDK v2, endpoint override, path-style by default),
 * every key under a prefix. See ADR 0055.
 *
 * <ul>
 *   <li>{@link #put}: one PutObject with a Content-MD5. S3 PUTs are atomic (a reader sees the whole
 *       new object or the old one, never a part) and durable once acknowledged, so {@link #flush}
 *       has nothing to do.
 *   <li>{@link #putIfAbsent}: PutObject with {@code If-None-Match: *}, S3's conditional write; the
 *       service answers 412 when the key is taken, so two writers never both win.
 *   <li>{@link #list}: ListObjectsV2, every page.
 *   <li>{@link #removeLeftovers}: nothing to remove, see there.
 * </ul>
 *
 * <p>Errors are turned into {@link IOException}s carrying the HTTP status and S3 error code, never
 * the credentials (the secret key is also registered with the log redaction).
 */
public final class S3Target implements Target {

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String where;

  /**
   * @param prefix empty or ending in {@code /}
   * @param credentials the access key and secret key, read when the target opens
   */
  public S3Target(
      URI endpoint,
      String region,
      boolean pathStyle,
      String bucket,
      String prefix,
      Supplier<Credentials> credentials) {
    Credentials c = credentials.get();
    Redaction.register(c.secretKey());
    this.bucket = bucket;
    this.prefix = prefix;
    this.where = "s3:" + endpoint.toString().replaceAll("/+$", "") + "/" + bucket + "/" + prefix;
    this.s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .forcePathStyle(pathStyle)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(c.accessKey(), c.secretKey())))
            // Content-MD5 on every PUT instead of the SDK's newer trailing checksums, which not
            // every S3-compatible service accepts.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60)))
            .build();
  }

  /** An S3 key pair; {@link #toString} shows neither key. */
  public record Credentials(String accessKey, String secretKey) {
    @Override
    public String toString() {
      return "Credentials[hidden]";
    }
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public void put(String key, byte[] data) throws IOException {
    call(key, () -> s3.putObject(putRequest(key, data).build(), RequestBody.fromBytes(data)));
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    try {
      s3.putObject(putRequest(key, data).ifNoneMatch("*").build(), RequestBody.fromBytes(data));
      return true;
    } catch (S3Exception e) {
      // 412: the key exists. 409: a conditional write on the same key is in flight; the other
      // writer wins, as a taken key would.
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw failure("put", key, e);
    } catch (SdkException e) {
      throw failure("put", key, e);
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    return call(
        key,
        () ->
            s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(prefix + key).build())
                .asByteArray());
  }

  @Override
  public OptionalLong size(String key) throws IOException {
    try {
      return OptionalLong.of(
          call(
              key,
              () ->
                  s3.headObject(
                          HeadObjectRequest.builder().bucket(bucket).key(prefix + key).build())
                      .contentLength()));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public List<String> list(String under) throws IOException {
    List<String> keys = new ArrayList<>();
    call(
        under,
        () -> {
          for (S3Object o :
              s3.listObjectsV2Paginator(
                      ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + under).build())
                  .contents()) {
            keys.add(o.key().substring(prefix.length()));
          }
          return null;
        });
    return keys;
  }

  @Override
  public java.util.Map<String, Long> listSizes(String under) throws IOException {
    java.util.Map<String, Long> sizes = new java.util.HashMap<>();
    call(
        under,
        () -> {
          for (S3Object o :
              s3.listObjectsV2Paginator(
                      ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + under).build())
                  .contents()) {
            sizes.put(o.key().substring(prefix.length()), o.size());
          }
          return null;
        });
    return sizes;
  }

  @Override
  public void delete(String key) throws IOException {
    call(
        key,
        () ->
            s3.deleteObject(
                DeleteObjectRequest.builder().bucket(bucket).key(prefix + key).build()));
  }

  /**
   * Nothing to remove: every object is one PutObject, which S3 stores whole or not at all, so an
   * upload cut by a crash leaves nothing behind (multipart uploads, whose parts could linger, are
   * never started: objects are at most a 4 MiB chunk plus its seal).
   */
  @Override
  public int removeLeftovers(Instant olderThan) {
    return 0;
  }

  @Override
  public void close() {
    s3.close();
  }

  private PutObjectRequest.Builder putRequest(String key, byte[] data) {
    return PutObjectRequest.builder()
        .bucket(bucket)
        .key(prefix + key)
        .contentLength((long) data.length)
        .contentMD5(md5(data));
  }

  private interface Call<T> {
    T run();
  }

  private <T> T call(String key, Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
        NoSuchFileException missing = new NoSuchFileException(where + key);
        missing.initCause(e);
        throw missing;
      }
      throw failure("access", key, e);
    } catch (SdkException e) {
      throw failure("access", key, e);
    }
  }

  private IOException failure(String what, String key, SdkException e) {
    String why;
    if (e instanceof S3Exception s) {
      why = "HTTP " + s.statusCode() + (errorCode(s) == null ? "" : " " + errorCode(s));
    } else if (e instanceof SdkClientException && e.getCause() != null) {
      why = e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
    } else {
      why = e.getClass().getSimpleName();
    }
    return new IOException(
        "cannot " + what + " " + key + " at " + where + " (" + Redaction.redact(why) + ")", e);
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
  }
}
