/** Quality scoring of images and voice recordings, with uncertainty, review and drift (SPEC SC). */
package io.nxs.score;
