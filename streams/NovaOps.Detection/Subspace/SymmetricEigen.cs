namespace NovaOps.Detection.Subspace;

/// <summary>
/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: exact to rounding, no allocation
/// beyond the caller's spans, and fast for the sizes here (a VM's handful of metrics, a server's few dozen).
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Decomposes <paramref name="a"/> (n×n, row-major; destroyed) into eigenvalues (descending) and the matching
    /// eigenvectors as the columns of <paramref name="vectors"/> (n×n, row-major).
    /// </summary>
    public static void Decompose(Span<double> a, int n, Span<double> values, Span<double> vectors)
    {
        vectors[..(n * n)].Clear();
        for (int i = 0; i < n; i++) vectors[i * n + i] = 1;
        for (int sweep = 0; sweep < 64; sweep++)
        {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++)
            {
                diag += a[i * n + i] * a[i * n + i];
                for (int j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
            }
            if (off <= 1e-22 * Math.Max(diag, 1e-300)) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = vectors[k * n + p], vkq = vectors[k * n + q];
                        vectors[k * n + p] = c * vkp - s * vkq;
                        vectors[k * n + q] = s * vkp + c * vkq;
                    }
                }
        }
        for (int i = 0; i < n; i++) values[i] = a[i * n + i];
        // Selection sort by eigenvalue, descending, moving the columns along.
        for (int i = 0; i < n - 1; i++)
        {
            int best = i;
            for (int j = i + 1; j < n; j++) if (values[j] > values[best]) best = j;
            if (best == i) continue;
            (values[i], values[best]) = (values[best], values[i]);
            for (int k = 0; k < n; k++) (vectors[k * n + i], vectors[k * n + best]) = (vectors[k * n + best], vectors[k * n + i]);
        }
    }
}
